"""Terminal table and JUnit XML renderings of a checklist report."""

from __future__ import annotations

import textwrap

from prm_builder.checklist.report import ChecklistReport, Status

MARK = {Status.PASS: "PASS", Status.FAIL: "FAIL", Status.WARN: "WARN", Status.MANUAL: "MANUAL"}
WIDTH = 100


def format_report(report: ChecklistReport, *, evidence: bool = True) -> str:
    where = f"org {report.org['label']} ({report.org['instance_url']})" if report.org else "specs only"
    lines = [f"Requirements review checklist: {report.specs_dir}, {where}, as of {report.today}", ""]
    title_w = max((len(i.title) for i in report.items), default=10)
    title_w = min(title_w, 60)
    lines.append(f"{'id':<4} {'status':<7} item")
    lines.append(f"{'-' * 4} {'-' * 7} {'-' * title_w}")
    indent = " " * 13
    for item in report.items:
        lines.append(f"{item.id:<4} {MARK[item.status]:<7} {item.title}")
        lines += textwrap.wrap(item.detail, WIDTH, initial_indent=indent, subsequent_indent=indent)
        if evidence:
            lines += [indent + "- " + e for e in item.evidence[:25]]
            if len(item.evidence) > 25:
                lines.append(f"{indent}- ... and {len(item.evidence) - 25} more")
        if item.status is not Status.PASS and item.fix:
            lines += textwrap.wrap(item.fix, WIDTH, initial_indent=indent + "fix: ",
                                   subsequent_indent=indent + "     ")
    counts = report.counts()
    lines.append("")
    lines.append(f"{counts['pass']} passed, {counts['fail']} failed, {counts['warn']} warnings, "
                 f"{counts['manual']} need a decision -> {'OK' if report.ok else 'NOT READY for sign-off'}")
    return "\n".join(lines)


def junit_xml(report: ChecklistReport) -> bytes:
    """JUnit XML for CI systems: a failed item is a <failure>, a manual one <skipped>."""
    from lxml import etree

    counts = report.counts()
    suite = etree.Element("testsuite", name="prm check", tests=str(len(report.items)),
                          failures=str(counts["fail"]), errors="0", skipped=str(counts["manual"]))
    for item in report.items:
        case = etree.SubElement(suite, "testcase", classname="prm.checklist.live" if item.live
                                else "prm.checklist", name=f"{item.id} {item.title}")
        body = "\n".join([item.detail, *item.evidence, *([f"fix: {item.fix}"] if item.fix else [])])
        if item.status is Status.FAIL:
            etree.SubElement(case, "failure", message=item.detail, type="fail").text = body
        elif item.status is Status.MANUAL:
            etree.SubElement(case, "skipped", message=item.detail).text = body
        else:
            etree.SubElement(case, "system-out").text = body
    suites = etree.Element("testsuites", name="prm check", tests=str(len(report.items)),
                           failures=str(counts["fail"]))
    suites.append(suite)
    return etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def junit_error(message: str, details: list[str]) -> bytes:
    """JUnit XML for a run that stopped before any item was judged (specs that do not parse,
    an org that cannot be reached): one failing test case, so a CI system shows the failure
    instead of a missing report."""
    from lxml import etree

    suites = etree.Element("testsuites", name="prm check", tests="1", failures="0", errors="1")
    suite = etree.SubElement(suites, "testsuite", name="prm check", tests="1", failures="0", errors="1",
                             skipped="0")
    case = etree.SubElement(suite, "testcase", classname="prm.checklist", name="prm check run")
    etree.SubElement(case, "error", message=message, type="error").text = "\n".join([message, *details])
    return etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True)
