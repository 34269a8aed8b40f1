"""What every paginated list needs besides Django's Paginator."""


def query_without_page(request) -> str:
    """The request's query string minus ``page``, for links to the other pages of a list."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
