"""The review page in a real browser: headless Chromium on the static report and the live worker.

Screenshots are kept in tests/artifacts/browser/ (ignored by git) for a person to look at.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from models import CallScore
from worker.demo import sample_paths

pytestmark = [pytest.mark.integration, pytest.mark.browser]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# The pitch-heavy sample deal: both calls are flagged.
FLAGGED_CALL = "brightpath-dental-2"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("headless Chromium is needed: apt-get install chromium chromium-driver "
                    "(.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
                 "--window-size=1280,1600"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=opts, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def check_index_and_click_through(driver, shot: str) -> None:
    from selenium.webdriver.common.by import By

    rows = driver.find_elements(By.CSS_SELECTOR, "#calls tr.call-row")
    assert len(rows) == 7
    first = rows[0]
    assert "flagged" in first.get_attribute("class")  # flagged calls come first
    flagged = next(r for r in rows if f">{FLAGGED_CALL}<" in r.get_attribute("innerHTML"))
    text = flagged.text
    assert "canned_pitch_heavy" in text
    assert "rep questions are canned pitch lines" in text  # the reason, not only the code
    driver.save_screenshot(str(ARTIFACTS / f"{shot}-index.png"))

    flagged.find_element(By.CSS_SELECTOR, "a.call-link").click()
    time.sleep(0.3)
    heading = [h for h in driver.find_elements(By.TAG_NAME, "h1") if h.is_displayed()]
    assert [h.text for h in heading] == [f"Call {FLAGGED_CALL}"]
    canned = [m for m in driver.find_elements(By.CSS_SELECTOR, "mark.q-canned")
              if m.is_displayed()]
    assert len(canned) >= 5  # 7 of 8 rep questions are canned in this call
    assert all(m.value_of_css_property("background-color") != "rgba(0, 0, 0, 0)"
               for m in canned)
    legend = [e for e in driver.find_elements(By.CSS_SELECTOR, ".legend") if e.is_displayed()]
    assert legend and "canned pitch question" in legend[0].text
    driver.save_screenshot(str(ARTIFACTS / f"{shot}-call.png"))
    assert console_errors(driver) == []


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`callscore score` then `callscore review`, as a user would run them."""
    tmp = tmp_path_factory.mktemp("report")
    samples = str(sample_paths()[0].parent)
    scores = tmp / "scores.json"
    subprocess.run([sys.executable, "-m", "worker", "score", samples, "-f", "json", "-o",
                    str(scores)], check=True)
    out = tmp / "report.html"
    subprocess.run([sys.executable, "-m", "worker", "review", str(scores), "--transcripts",
                    samples, "-o", str(out)], check=True)
    return out


def test_static_report_lists_the_flagged_call_and_opens_it_offline(browser, report) -> None:
    html = report.read_text()
    assert "http://" not in html and "https://" not in html  # nothing to fetch: works offline
    browser.get(report.as_uri())
    check_index_and_click_through(browser, "static")


def test_static_report_deal_view_shows_timeline_and_deal_flags(browser, report) -> None:
    from selenium.webdriver.common.by import By

    browser.get(report.as_uri() + "#deal-brightpath-dental")
    time.sleep(0.3)
    view = browser.find_element(By.ID, "deal-brightpath-dental")
    assert view.is_displayed()
    assert len(view.find_elements(By.CSS_SELECTOR, "svg circle")) == 2  # two calls on the line
    for code in ("no_decision_maker_after_calls", "impact_never_quantified", "single_threaded",
                 "pitch_pattern"):
        assert code in view.text
    browser.save_screenshot(str(ARTIFACTS / "static-deal.png"))
    assert console_errors(browser) == []


def test_live_review_page_of_a_running_worker(browser, stack) -> None:
    from worker.ingest import load_transcript

    transcripts = [load_transcript(p) for p in sample_paths()]
    stack.publish([(t.deal_id.encode(), t.model_dump_json().encode()) for t in transcripts])
    worker = stack.start_worker()
    stack.collect(lambda o: len({CallScore.model_validate_json(v).call_id
                                 for _, v, _ in o["call"]}) >= len(transcripts))
    base = f"http://127.0.0.1:{worker.web_port}"
    with urllib.request.urlopen(f"{base}/review?format=json", timeout=10) as resp:
        index = json.load(resp)
    assert {c["call_id"] for c in index["calls"]} == {t.call_id for t in transcripts}
    assert index["calls"][0]["flags"]  # flagged first
    with urllib.request.urlopen(f"{base}/review?flag=pitch_pattern&format=json",
                                timeout=10) as resp:
        assert json.load(resp)["calls"] == []  # a deal flag: no call carries it
    with urllib.request.urlopen(f"{base}/calls/{FLAGGED_CALL}?format=json", timeout=10) as resp:
        call = json.load(resp)
    assert call["score"]["call_id"] == FLAGGED_CALL and call["transcript"]["utterances"]

    browser.get(f"{base}/review")
    check_index_and_click_through(browser, "live")
    assert browser.current_url == f"{base}/calls/{FLAGGED_CALL}"
