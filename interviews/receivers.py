"""What interviews does when the apps below it report something (connected in apps.py)."""

from accounts.models import Workspace
from interviews import services


def on_workspace_created(*, workspace: Workspace, **kwargs) -> None:
    services.workspace_defaults(workspace=workspace)
