from infoview.testing.isolation import ADMIN, PUBLIC, TEAM_MEMBER, register, ws_kwargs
from interviews import services
from interviews.models import Note, PrepTemplateItem, Question
from interviews.tests.factories import interview_for


def _interview_pk(world):
    return interview_for(world).pk


def _objective(world):
    return world.once(
        "objective",
        lambda w: services.objective_add(interview=interview_for(w), text="Learn the path"),
    )


def _question(world):
    return world.once(
        "question",
        lambda w: services.question_add_one_off(interview=interview_for(w), text="How?"),
    )


def _note(world):
    def make(w):
        interview = interview_for(w)
        return Note.objects.create(
            workspace=w.workspace, interview=interview, author=w.alice, body="Kept"
        )

    return world.once("note", make)


def _token(world):
    return world.once("token", lambda w: services.calendar_token_regenerate(user=w.alice))


INTERVIEW = ws_kwargs(pk=_interview_pk)

register("interviews:list")
register("interviews:create")
register("interviews:detail", kwargs=INTERVIEW)
register("interviews:edit", kwargs=INTERVIEW)
register("interviews:conversation", kwargs=INTERVIEW)
register("interviews:complete", kwargs=INTERVIEW, method="post")
register("interviews:cancel", kwargs=INTERVIEW, method="post", data=lambda w: {"reason": "Ill"})
register("interviews:no_show", kwargs=INTERVIEW, method="post")
register(
    "interviews:text_save",
    kwargs=ws_kwargs(pk=_interview_pk, field=lambda w: "scratch"),
    method="post",
    data=lambda w: {"text": "typed"},
)
register(
    "interviews:objective_add", kwargs=INTERVIEW, method="post", data=lambda w: {"text": "More"}
)
register(
    "interviews:questions_pick",
    kwargs=INTERVIEW,
    method="post",
    data=lambda w: {"questions": [Question.objects.filter(workspace=w.workspace).first().pk]},
)
register(
    "interviews:question_add", kwargs=INTERVIEW, method="post", data=lambda w: {"text": "Why?"}
)
register(
    "interviews:note_add",
    kwargs=INTERVIEW,
    method="post",
    data=lambda w: {"kind": "insight", "body": "Interesting"},
)
register(
    "interviews:person_add",
    kwargs=INTERVIEW,
    method="post",
    data=lambda w: {"first_name": "Nadia"},
)
register("interviews:assessment", kwargs=INTERVIEW, access=TEAM_MEMBER)
register("interviews:ics", kwargs=INTERVIEW)
register("interviews:invite", kwargs=INTERVIEW, method="post")
OBJECTIVE = ws_kwargs(pk=lambda w: _objective(w).pk)
register(
    "interviews:objective_edit", kwargs=OBJECTIVE, method="post", data=lambda w: {"text": "New"}
)
register("interviews:objective_toggle", kwargs=OBJECTIVE, method="post")
register(
    "interviews:objective_move",
    kwargs=ws_kwargs(pk=lambda w: _objective(w).pk, direction=lambda w: "up"),
    method="post",
)
register("interviews:objective_delete", kwargs=OBJECTIVE, method="post")
register(
    "interviews:objective_insight",
    kwargs=OBJECTIVE,
    method="post",
    data=lambda w: {"insight": "Noted"},
)
QUESTION = ws_kwargs(pk=lambda w: _question(w).pk)
register(
    "interviews:question_answer", kwargs=QUESTION, method="post", data=lambda w: {"answer": "A"}
)
register("interviews:question_remove", kwargs=QUESTION, method="post")
register(
    "interviews:prep_item_toggle",
    kwargs=ws_kwargs(pk=lambda w: interview_for(w).prep_items.first().pk),
    method="post",
)
register("interviews:note_delete", kwargs=ws_kwargs(pk=lambda w: _note(w).pk), method="post")
register("interviews:bank")
register(
    "interviews:bank_add",
    method="post",
    access=ADMIN,
    data=lambda w: {"category": "advice", "text": "What would you read?"},
)
register(
    "interviews:bank_delete",
    kwargs=ws_kwargs(pk=lambda w: Question.objects.filter(workspace=w.workspace).first().pk),
    method="post",
    access=ADMIN,
)
register("interviews:prep_template", access=ADMIN)
register(
    "interviews:prep_template_delete",
    kwargs=ws_kwargs(
        pk=lambda w: PrepTemplateItem.objects.filter(workspace=w.workspace).first().pk
    ),
    method="post",
    access=ADMIN,
)
register("interviews:calendar")
register("interviews:calendar_regenerate", method="post")
register("interviews:calendar_revoke", method="post")
# The feed is reached by its secret alone, by calendar apps that never log in.
register("calendar:feed", kwargs=lambda w: {"token": _token(w).token}, access=PUBLIC)
