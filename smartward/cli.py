"""The ``ioc`` command's root group. Each concern adds its own group; they are imported lazily to keep start-up fast."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import click

from ioc import config, logs
from ioc.errors import IocError

# command name -> "module:attribute" of a click command; loaded on use
LAZY: dict[str, str] = {
    "stack": "ioc.stack.cli:stack",
    "migrate": "ioc.stack.cli:migrate",
    "config": "ioc.stack.cli:show_config",
    "demo": "smartward.demo:demo",
    "demo-data": "smartward.demo:demo_data",
    "ingest": "pipelines.cli:ingest",
    "rollup": "pipelines.cli:rollup",
    "simulate": "sensors.cli:simulate",
    "fleet": "sensors.fleet.cli:fleet",
    "wards": "layers.cli:wards",
    "map": "layers.cli:map_cmd",
    "coverage": "layers.cli:coverage",
    "serve": "dashboards.cli:serve",
    "reports": "pipelines.reports.cli:reports",
    "support-points": "pipelines.public.cli:support_points_cmd",
    "hamlets": "pipelines.public.cli:hamlets_cmd",
    "disclosures": "pipelines.public.cli:disclosures_cmd",
    "public-demo": "pipelines.public.demo:public_demo",
    "kpis": "pipelines.kpis.cli:kpis",
    "users": "ioc.security.cli:users",
    "keys": "ioc.security.cli:keys",
    "devices": "ioc.security.cli:devices",
    "alarms": "pipelines.alarms.cli:alarms",
    "footage": "pipelines.footage.cli:footage",
    "briefing": "dashboards.briefing.cli:briefing",
    "incidents": "pipelines.incidents.cli:incidents",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(LAZY)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in LAZY:
            return None
        module, attr = LAZY[name].split(":")
        command = getattr(importlib.import_module(module), attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{LAZY[name]} is not a click command")
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option("--database-url", help="libpq URL [env IOC_DATABASE_URL; default: the local stack]")
@click.option("--mqtt-url", help="mqtt://user:pass@host:port [env IOC_MQTT_URL; default: the local stack]")
@click.option("--state-dir", type=click.Path(path_type=Path), help="local stack data [env IOC_STATE_DIR; .ioc]")
@click.option("--http-host", help="[env IOC_HTTP_HOST; 127.0.0.1]")
@click.option("--http-port", type=int, help="[env IOC_HTTP_PORT; 8050]")
@click.option("--lang", type=click.Choice(["vi", "en"]), help="[env IOC_LANG; vi]")
@click.option("--log-level", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]), help="[env IOC_LOG_LEVEL]")
@click.pass_context
def cli(ctx: click.Context, /, **overrides: Any) -> None:
    """smartward-ioc: the Intelligent Operations Center for Vietnamese wards and cities."""
    settings = config.load(**overrides)
    logs.setup(settings.log_level)
    ctx.obj = settings


def main(argv: list[str] | None = None) -> int:
    try:
        # Without standalone mode click returns a command's ``Exit(code)`` instead of exiting: pass it on (`ioc ingest
        # audit` and `ioc stack status` exit 1 on a problem; this returned 0 for them before).
        code = cli.main(args=argv, prog_name="ioc", standalone_mode=False)
    except IocError as exc:
        click.secho(f"ioc: error: {exc}", fg="red", err=True)
        return 2
    except click.exceptions.Abort:
        return 130
    except KeyboardInterrupt:
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
