"""End to end in a real headless Chromium: a unit reports with a file, the office sends it back, it resubmits."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.portal.conftest import PASSWORD, LiveServer, World
from tests.status_factories import pdf_bytes

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@pytest.fixture
def browser():
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not executable:
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium missing): browser test skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=ARGS, headless=True, timeout=300_000)
        yield chromium
        chromium.close()


def _watch_csp(context) -> list[str]:  # type: ignore[no-untyped-def]
    """Collect the Content-Security-Policy violations (and script errors) of every page of ``context``."""
    problems: list[str] = []

    def on_page(page) -> None:  # type: ignore[no-untyped-def]
        page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda e: problems.append(str(e)))

    context.on("page", on_page)
    return problems


def test_report_review_and_resubmit_in_a_real_browser(browser, live_server: LiveServer, world: World,
                                                      tmp_path: Path) -> None:
    evidence = tmp_path / "会议纪要.pdf"
    evidence.write_bytes(pdf_bytes("minutes"))
    unit = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")  # a phone
    office = browser.new_context(locale="zh-CN")
    for context in (unit, office):  # Playwright's 30 s default is short for Chromium on a loaded 2-core machine
        context.set_default_timeout(300_000)
        context.set_default_navigation_timeout(300_000)
    violations = _watch_csp(unit)
    violations_office = _watch_csp(office)
    page = unit.new_page()
    page.goto(f"{live_server.url}/u/{world.tokens['health']}")
    assert "市卫生计生委" in page.inner_text("h1")
    assert "落实救助政策" not in page.content()  # another unit's task is not listed
    page.click("text=建立精神卫生工作协调机制")
    page.select_option("select[name=state]", "推进中")
    page.fill("input[name=percent]", "60")
    page.fill("textarea[name=progress]", "已召开第一次联席会议")
    page.fill("input[name=ind_I1]", "81")
    page.set_input_files("input[name=files]", str(evidence))
    page.click("#report button[type=submit]")
    page.wait_for_selector("#flash")
    assert "会议纪要.pdf" in page.content()

    desk = office.new_page()
    desk.goto(f"{live_server.url}/office")
    assert "/office/login" in desk.url
    desk.fill("input[name=username]", "office")
    desk.fill("input[name=password]", PASSWORD)
    desk.click("button[type=submit]")
    desk.wait_for_selector("text=任务总览")
    desk.click("a:text-is('T1')")
    desk.wait_for_selector("#history")
    assert "已召开第一次联席会议" in desk.inner_text("#history")
    with desk.expect_download() as download:
        desk.click("a:text('会议纪要.pdf')")
    assert Path(download.value.path()).read_bytes() == pdf_bytes("minutes")
    desk.fill("textarea[name=reason]", "请补充会议签到表")
    desk.click("button[value=return]")
    desk.wait_for_selector("text=已退回")

    page.goto(f"{live_server.url}/u/{world.tokens['health']}/tasks/{world.s.tasks['T1'].id}")
    assert "请补充会议签到表" in page.inner_text("#returned")
    page.fill("textarea[name=progress]", "已召开第一次联席会议，签到表已补充")
    page.set_input_files("input[name=files]", str(evidence))
    page.click("#report button[type=submit]")
    page.wait_for_selector("#flash")

    desk.reload()
    history = desk.inner_text("#history")
    assert "签到表已补充" in history and "更正 #1" in history and "待审核" in history
    desk.click("button[value=accept]")
    desk.wait_for_selector("text=已采纳")
    unit.close()
    office.close()
    assert violations == [] and violations_office == []  # every page worked under the portal's CSP


def test_api_docs_and_message_pages_work_under_the_csp(browser, live_server: LiveServer, world: World) -> None:
    context = browser.new_context(locale="zh-CN")
    violations = _watch_csp(context)
    page = context.new_page()
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30000)  # Swagger UI rendered the OpenAPI document
    assert "/api/unit/tasks" in page.inner_text("#swagger-ui")
    page.goto(f"{live_server.url}/office/login")
    page.goto(f"{live_server.url}/u/not-a-valid-token-at-all")
    page.click("#back")  # the back link is a script file, not javascript:
    page.wait_for_url("**/office/login")
    context.close()
    assert violations == []


def test_office_uploads_previews_and_confirms_a_plan_in_a_real_browser(browser, live_server: LiveServer,
                                                                       world: World, tmp_path: Path) -> None:
    from flows.demo_plan import write_example_plan

    document = write_example_plan(tmp_path / "示例规划.xlsx")
    office = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")  # the office PC
    office.set_default_timeout(300_000)
    office.set_default_navigation_timeout(300_000)
    violations = _watch_csp(office)
    desk = office.new_page()
    desk.goto(f"{live_server.url}/office/login")
    desk.fill("input[name=username]", "office")
    desk.fill("input[name=password]", PASSWORD)
    desk.click("button[type=submit]")
    desk.wait_for_selector("text=任务总览")
    desk.click("header a:text-is('计划')")
    desk.wait_for_selector("#upload")
    desk.set_input_files("#upload input[name=file]", str(document))
    desk.click("#upload button[type=submit]")
    desk.wait_for_selector("#preview-tasks")
    assert "尚未保存任何内容" in desk.content()
    code = desk.inner_text("#plan-code")
    assert desk.locator("#preview-tasks tr").count() > 10  # the example plan's tasks, one row each
    desk.click("#confirm button")
    desk.wait_for_selector("#flash")
    assert "已导入，当前为第 1 版" in desk.inner_text("#flash")
    desk.click("header a:text-is('计划')")
    desk.wait_for_selector(f"#plans a:text-is('{code}')")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    phone.add_cookies(office.cookies())
    small = phone.new_page()
    small.goto(f"{live_server.url}/office/plans")
    assert small.locator(f"#plans a:text-is('{code}')").is_visible()
    width = small.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, width  # the page itself does not scroll sideways on a phone; wide tables do inside
    phone.close()
    office.close()
    assert violations == []
