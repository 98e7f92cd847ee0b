"""Opening the Textual app, shared by ``setup``, ``home`` and ``demo``, and what is printed once it
closes. Textual is imported only when the App runs."""

from __future__ import annotations

from typing import Any


def open_app(*, preset_path: str | None, mode: str, demo=None, preset=None, then_profiles: bool = False) -> int:
    """Build the services once, run the App, then print what was written. ``then_profiles``: a
    finished wizard opens the profile browser (``aws-sso-wizard`` and ``demo``) instead of ending."""
    from app.services import Services
    from app.settings import Settings, find_preset

    settings = Settings.load()
    if preset is None:
        preset = find_preset(preset_path, settings)
    services = Services(settings=settings, preset=preset, demo=demo)
    from app.tui import WizardApp

    app = WizardApp(services, mode=mode, then="profiles" if then_profiles else None)
    app.run()
    if app.return_code not in (None, 0):
        return app.return_code
    print_summary(app.state, demo=demo)
    return 0


def print_summary(state: Any, *, demo=None) -> None:
    """Where the profiles written in this run are, and how to use the last one (stdout)."""
    names = state.written_names
    if not names:
        return
    from app import paths
    from app.program import command

    if demo is not None:
        print(f"In the demo you set up: {', '.join(names)}. Run it again any time: {command('demo')}")
        return
    path = paths.aws_config_path()
    for name in names:
        print(f"Profile {name} is in {path}.")
    last = names[-1]
    print(f"Try it:  aws s3 ls --profile {last}")
    print(f"Or:      export AWS_PROFILE={last}")


def pick_profile() -> str | None:
    """The profile browser in pick mode: the name of the profile Enter was pressed on, or None
    when it was left without one."""
    from app.services import Services
    from app.settings import Settings
    from app.tui import WizardApp

    class PickApp(WizardApp):
        def make_mode_screen(self, name: str):
            screen = super().make_mode_screen(name)
            if name == "profiles":
                screen.pick = True  # type: ignore[attr-defined]  # a ProfilesScreen
            return screen

    app = PickApp(Services(settings=Settings.load()), mode="profiles")
    result = app.run()
    return result if isinstance(result, str) and app.return_code in (None, 0) else None
