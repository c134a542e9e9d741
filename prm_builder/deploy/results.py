"""The org's DeployResult (checkDeployStatus response) -> what happened, in our terms.

CumulusCI raises one wrapped message per failed deploy; we read the SOAP response
ourselves so the report can list each component failure with its file, line and
problem (and the spec line it came from), and each Apex test failure with its message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from prm_builder.deploy.hints import Hint, match_hints

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class ComponentFailure:
    type: str
    full_name: str
    file: str
    line: int
    col: int
    problem: str
    problem_type: str = "Error"
    spec: str = ""
    """The spec line the component came from (filled in by the runner)."""

    @property
    def hints(self) -> list[Hint]:
        return match_hints(self.problem)

    def format(self) -> str:
        where = self.file + (f":{self.line}:{self.col}" if self.line else "")
        origin = f" (from {self.spec})" if self.spec else ""
        text = f"{where}: {self.problem_type.lower()} {self.type} {self.full_name}{origin}: {self.problem}"
        for h in self.hints:
            text += f"\n    hint {h.id}: {h.hint}"
        return text


@dataclass(frozen=True)
class TestFailure:
    class_name: str
    method: str
    message: str
    stack_trace: str = ""

    def format(self) -> str:
        text = f"Apex test {self.class_name}.{self.method}: {self.message}"
        if self.stack_trace:
            text += f"\n    at {self.stack_trace}"
        return text


@dataclass
class DeployStatus:
    id: str = ""
    status: str = ""
    done: bool = False
    state_detail: str = ""
    error_message: str = ""
    components_deployed: int = 0
    components_total: int = 0
    component_errors: int = 0
    tests_completed: int = 0
    tests_total: int = 0
    test_errors: int = 0
    component_failures: list[ComponentFailure] = field(default_factory=list)
    test_failures: list[TestFailure] = field(default_factory=list)
    coverage_warnings: list[str] = field(default_factory=list)
    """runTestResult/codeCoverageWarnings: why a deploy whose tests passed still failed."""

    @property
    def succeeded(self) -> bool:
        return self.status in ("Succeeded", "SucceededPartial")

    def progress_line(self) -> str:
        text = f"{self.status or 'Pending'}: components {self.components_deployed}/{self.components_total}"
        if self.component_errors:
            text += f" ({self.component_errors} failed)"
        if self.tests_total:
            text += f", tests {self.tests_completed}/{self.tests_total}"
            if self.test_errors:
                text += f" ({self.test_errors} failed)"
        if self.state_detail:
            text += f" - {self.state_detail}"
        return text


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _child_text(el: etree._Element, name: str) -> str:
    for child in el:
        if isinstance(child.tag, str) and _local(child) == name:
            return (child.text or "").strip()
    return ""


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


def parse_deploy_status(content: bytes) -> DeployStatus | None:
    """The `result` element of a checkDeployStatus response; None when there is none."""
    try:
        root = etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError:
        return None
    result = next((el for el in root.iter() if isinstance(el.tag, str) and _local(el) == "result"), None)
    if result is None:
        return None
    st = DeployStatus(
        id=_child_text(result, "id"), status=_child_text(result, "status"),
        done=_child_text(result, "done") == "true", state_detail=_child_text(result, "stateDetail"),
        error_message=_child_text(result, "errorMessage"),
        components_deployed=_int(_child_text(result, "numberComponentsDeployed")),
        components_total=_int(_child_text(result, "numberComponentsTotal")),
        component_errors=_int(_child_text(result, "numberComponentErrors")),
        tests_completed=_int(_child_text(result, "numberTestsCompleted")),
        tests_total=_int(_child_text(result, "numberTestsTotal")),
        test_errors=_int(_child_text(result, "numberTestErrors")),
    )
    for el in result.iter():
        if not isinstance(el.tag, str):
            continue
        if _local(el) == "componentFailures":
            st.component_failures.append(ComponentFailure(
                type=_child_text(el, "componentType"), full_name=_child_text(el, "fullName"),
                file=_child_text(el, "fileName"), line=_int(_child_text(el, "lineNumber")),
                col=_int(_child_text(el, "columnNumber")), problem=_child_text(el, "problem") or "unknown problem",
                problem_type=_child_text(el, "problemType") or "Error"))
        elif _local(el) == "codeCoverageWarnings":
            name = _child_text(el, "name")
            message = _child_text(el, "message")
            st.coverage_warnings.append(f"{name}: {message}" if name else message)
        elif _local(el) == "failures" and _local(el.getparent()) == "runTestResult":
            st.test_failures.append(TestFailure(
                class_name=_child_text(el, "name"), method=_child_text(el, "methodName"),
                message=_child_text(el, "message"), stack_trace=_child_text(el, "stackTrace")))
    return st
