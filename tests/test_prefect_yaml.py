"""prefect.yaml is the schedule of record: every entrypoint imports, every schedule names
its time zone, and every deployment's parameters are what its flow declares and what the
server accepts at `prefect deploy` (tests/test_prefect_schedules.py deploys them for real)."""

import os

# before Prefect is imported: it reads its settings once, at import
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

import ast
import importlib
import inspect
import uuid
from pathlib import Path
from typing import Any

import prefect
import pytest
import yaml
from prefect import Flow
from prefect.cli.deploy._models import PrefectYamlModel
from prefect.client.schemas.objects import ConcurrencyLimitStrategy
from prefect.client.schemas.schedules import CronSchedule
from prefect.flows import load_flow_from_entrypoint
from prefect.server.schemas.actions import DeploymentCreate
from prefect.utilities.callables import parameter_schema
from prefect.utilities.schema_tools.validation import validate
from pydantic import BaseModel

ROOT = Path(__file__).resolve().parent.parent
CONFIG: dict[str, Any] = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
DEPLOYMENTS: list[dict[str, Any]] = CONFIG["deployments"]
BY_NAME = {d["name"]: d for d in DEPLOYMENTS}
FLOW_MODULES = sorted(p.stem for p in (ROOT / "workflows").glob("*.py") if p.stem != "__init__")


def ids(deployment: dict[str, Any]) -> str:
    return str(deployment["name"])


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # entrypoints are relative to the directory deployed from


def load(deployment: dict[str, Any]) -> Flow[Any, Any]:
    return load_flow_from_entrypoint(deployment["entrypoint"], use_placeholder_flow=False)


def test_the_file_is_what_prefect_deploy_reads() -> None:
    model = PrefectYamlModel.model_validate(CONFIG)  # schedules: unknown keys are refused
    assert model.name == "dondoc"
    assert model.prefect_version == prefect.__version__ == "3.8.8"
    assert CONFIG["pull"] == [
        {"prefect.deployments.steps.set_working_directory": {"directory": "{{ $PWD }}"}}
    ]


@pytest.mark.usefixtures("at_root")
@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=ids)
def test_every_entrypoint_imports_a_flow_of_the_same_name(deployment: dict[str, Any]) -> None:
    path, _, function = deployment["entrypoint"].partition(":")
    assert path.startswith("workflows/")
    assert path.endswith(".py")
    assert function
    flow = load(deployment)
    assert isinstance(flow, Flow)
    assert flow.name == deployment["name"]


def test_every_flow_in_workflows_has_a_deployment() -> None:
    flows = {
        (f"workflows/{module}.py", name)
        for module in FLOW_MODULES
        for name, value in vars(importlib.import_module(f"workflows.{module}")).items()
        if isinstance(value, Flow)
    }
    declared = {tuple(d["entrypoint"].split(":")) for d in DEPLOYMENTS}
    assert flows == declared


def test_every_deployment_runs_on_the_dondoc_process_pool() -> None:
    pools = CONFIG["definitions"]["work_pools"]
    assert pools["dondoc"]["name"] == "dondoc"
    assert all(d["work_pool"] == pools["dondoc"] for d in DEPLOYMENTS)


def test_three_deployments_are_scheduled_in_ha_noi_time_and_the_six_forms_are_not() -> None:
    every_15 = "moi-15-phut-8h-17h-gio-ha-noi"
    assert {d["name"]: d.get("schedules") for d in DEPLOYMENTS} == {
        "sweep": [
            {
                "slug": every_15,
                "cron": "*/15 8-16 * * 1-6",
                "timezone": "Asia/Ho_Chi_Minh",
                "active": True,
            }
        ],
        "deliver-outbox": [
            {
                "slug": every_15,
                "cron": "5-59/15 8-16 * * 1-6",
                "timezone": "Asia/Ho_Chi_Minh",
                "active": True,
            }
        ],
        "monthly-review": [
            {
                "slug": "7h-ngay-1-hang-thang-gio-ha-noi",
                "cron": "0 7 1 * *",
                "timezone": "Asia/Ho_Chi_Minh",
                "active": True,
            }
        ],
        "issue-directive": None,
        "import-directive-file": None,
        "draft-directive-from-text": None,
        "record-progress": None,
        "decide-completion": None,
        "decide-extension": None,
        "pause-task": None,
        "decide-decline": None,
    }


@pytest.mark.parametrize("name", ["sweep", "deliver-outbox", "monthly-review"])
def test_each_schedule_and_its_description_say_ha_noi_time(name: str) -> None:
    [schedule] = BY_NAME[name]["schedules"]
    assert schedule["slug"].endswith("gio-ha-noi")
    assert "giờ Hà Nội" in BY_NAME[name]["description"]
    assert "Ha Noi time" in BY_NAME[name]["description"]


def test_no_deployment_tags_its_runs_scheduled_a_flow_tags_the_schedulers_own() -> None:
    assert all("scheduled" not in d["tags"] for d in DEPLOYMENTS)


def test_a_sweep_that_planned_mail_triggers_deliver_outbox() -> None:
    [trigger] = BY_NAME["deliver-outbox"]["triggers"]
    assert (trigger["type"], trigger["posture"], trigger["enabled"]) == ("event", "Reactive", True)
    assert trigger["match"] == {"prefect.resource.id": "dondoc.outbox"}
    assert trigger["expect"] == ["dondoc.outbox.planned"]
    assert trigger["parameters"] == {"request": {}}
    assert [d["name"] for d in DEPLOYMENTS if d.get("triggers")] == ["deliver-outbox"]


@pytest.mark.parametrize("name", ["sweep", "deliver-outbox", "monthly-review"])
def test_each_schedule_is_a_cron_prefect_accepts(name: str) -> None:
    [schedule] = BY_NAME[name]["schedules"]
    cron = CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"])
    assert (cron.cron, cron.timezone) == (schedule["cron"], "Asia/Ho_Chi_Minh")


def test_sweep_and_delivery_run_every_15_minutes_in_office_hours_one_at_a_time() -> None:
    for name, cron in (("sweep", "*/15 8-16 * * 1-6"), ("deliver-outbox", "5-59/15 8-16 * * 1-6")):
        [schedule] = BY_NAME[name]["schedules"]
        assert (schedule["cron"], schedule["active"]) == (cron, True)
        limit = BY_NAME[name]["concurrency_limit"]
        assert limit["limit"] == 1
        assert ConcurrencyLimitStrategy(limit["collision_strategy"]) is (
            ConcurrencyLimitStrategy.CANCEL_NEW
        )


def test_the_monthly_review_runs_at_seven_on_the_first_in_ha_noi() -> None:
    [schedule] = BY_NAME["monthly-review"]["schedules"]
    assert schedule["cron"] == "0 7 1 * *"
    assert schedule["timezone"] == "Asia/Ho_Chi_Minh"
    assert schedule["active"] is True
    assert "not available" not in BY_NAME["monthly-review"]["description"]


@pytest.mark.usefixtures("at_root")
@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=ids)
def test_every_deployments_parameters_pass_the_servers_check_at_deploy(
    deployment: dict[str, Any],
) -> None:
    # The schema `prefect deploy` sends, checked by the server's own request model: it
    # answers 422 to `as_of: null` where the form's field is a plain "string" input.
    schema = parameter_schema(load(deployment)).model_dump(exclude_unset=True)
    DeploymentCreate(
        name=deployment["name"],
        flow_id=uuid.uuid4(),
        parameters=deployment.get("parameters") or {},
        parameter_openapi_schema=schema,
        enforce_parameter_schema=True,
    )
    # and as the server checks a run's parameters (a coordinator fills in the required ones)
    validate(deployment.get("parameters") or {}, schema, raise_on_error=True, ignore_required=True)


@pytest.mark.usefixtures("at_root")
def test_a_null_parameter_is_refused_by_the_servers_check_at_deploy() -> None:
    # the check above is the one that refused `make prefect` (issue 10)
    schema = parameter_schema(load(BY_NAME["sweep"])).model_dump(exclude_unset=True)
    with pytest.raises(ValueError, match="None is not of type 'string'"):
        DeploymentCreate(
            name="sweep",
            flow_id=uuid.uuid4(),
            parameters={"request": {"as_of": None, "dry_run": False}},
            parameter_openapi_schema=schema,
            enforce_parameter_schema=True,
        )


@pytest.mark.usefixtures("at_root")
@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=ids)
def test_every_deployments_parameters_are_the_flows_own_defaults(
    deployment: dict[str, Any],
) -> None:
    flow = load(deployment)
    schema = flow.parameters.model_dump()
    given = deployment.get("parameters") or {}
    defaults = inspect.signature(flow.fn).parameters
    for name in schema["properties"]:
        default = defaults[name].default
        if name in schema["required"]:
            assert name not in given, f"{name}: required, so entered in the form"
        elif isinstance(default, BaseModel):  # a form: a field left out takes its default
            assert type(default).model_validate(given.get(name, {})) == default, name
        else:
            assert given.get(name, default) == default, f"{name}: not the flow's default"


@pytest.mark.usefixtures("at_root")
@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=ids)
def test_every_form_field_has_a_title_a_description_and_a_place(
    deployment: dict[str, Any],
) -> None:
    schema = load(deployment).parameters.model_dump()
    assert schema["definitions"], "parameters are pydantic models (a form in the UI)"
    for model in schema["definitions"].values():
        fields = model["properties"]
        assert all(f.get("title") and f.get("description") for f in fields.values()), model
        assert sorted(f["position"] for f in fields.values()) == list(range(len(fields)))


@pytest.mark.usefixtures("at_root")
@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=ids)
def test_every_optional_form_field_is_a_plain_input(deployment: dict[str, Any]) -> None:
    # not the UI's "str | None" switch (an anyOf with null): left empty, it is not sent
    schema = load(deployment).parameters.model_dump()
    for model in schema["definitions"].values():
        for name, prop in model["properties"].items():
            assert {"type": "null"} not in prop.get("anyOf", []), f"{model['title']}.{name}"


@pytest.mark.parametrize("module", FLOW_MODULES)
def test_no_flow_module_postpones_its_annotations(module: str) -> None:
    # deployment runs fail with "model is not fully defined" when it does (STACK.md)
    tree = ast.parse((ROOT / "workflows" / f"{module}.py").read_text(encoding="utf-8"))
    futures = [
        alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "__future__"
        for alias in node.names
    ]
    assert "annotations" not in futures
