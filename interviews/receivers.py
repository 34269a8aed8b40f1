"""What interviews does when the apps below it report something (imported by its ready())."""

from django.dispatch import receiver

from accounts.signals import workspace_created
from interviews import services


@receiver(workspace_created, dispatch_uid="interviews.workspace_defaults")
def on_workspace_created(sender, *, workspace, **kwargs) -> None:
    services.workspace_defaults(workspace=workspace)
