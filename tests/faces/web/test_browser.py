"""serve --web in a real browser: Debian's chromium, headless, driven by selenium through
/usr/bin/chromedriver (nothing downloaded; .ci/run installs chromium and chromium-driver).
Every wait has a limit and every test quits its browser."""

from __future__ import annotations

import re
import smtplib
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Final

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.smtp_client import GUARD, read_line, serve_process

CHROMEDRIVER: Final = "/usr/bin/chromedriver"
XSS: Final = ("<script>alert(1)</script>", '"onmouseover=alert(2) x="', "javascript:alert(3)",
              "<img src=x onerror=alert(4)>")


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=900,1200"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        driver.set_page_load_timeout(GUARD)
        driver.set_script_timeout(GUARD)
        yield driver
    finally:
        driver.quit()


def _teacher(proc: subprocess.Popen[bytes]) -> tuple[int, str]:
    """The pages' port and the teacher's address, from serve's start lines."""
    pages, teacher = read_line(proc).decode(), read_line(proc).decode()
    found = re.search(r"http://\S+:(\d+)/", pages)
    assert found, pages
    return int(found[1]), teacher.split(": ", 1)[1].strip()


def _student(port: int) -> tuple[smtplib.SMTP, str]:
    """A smtplib student and the page its greeting names."""
    student = smtplib.SMTP(timeout=GUARD)
    code, banner = student.connect("127.0.0.1", port)
    assert code == 220
    found = re.search(r"http://\S+", banner.decode())
    assert found, banner
    return student, found[0]


def _no_alert(driver: webdriver.Chrome) -> None:
    with pytest.raises(NoAlertPresentException):
        _ = driver.switch_to.alert.text


def _wait_for(driver: webdriver.Chrome, element: str, words: str,
              seconds: float = GUARD) -> None:
    WebDriverWait(driver, seconds, poll_frequency=0.05).until(
        lambda d: words in d.find_element(By.ID, element).text)


def test_a_students_mistake_shows_explained_on_their_page_within_a_second(
        browser: webdriver.Chrome) -> None:
    with serve_process("--web", "0") as (proc, port):
        _teacher(proc)
        student, page = _student(port)
        with student:
            browser.get(page)
            _wait_for(browser, "transcript", "220 ")
            sent = time.monotonic()
            assert student.docmd("MAIL", "FROM:<a@b.example>")[0] == 503
            _wait_for(browser, "transcript", "MAIL FROM:<a@b.example>", seconds=1.0)
            assert time.monotonic() - sent < 1.0
            transcript = browser.find_element(By.ID, "transcript").text
            assert "503 5.5.1" in transcript and "How to fix" in transcript
            browser.find_element(By.LINK_TEXT, "中文").click()
            _wait_for(browser, "transcript", "如何修复")


def test_the_teacher_lists_the_session_and_opens_its_message(browser: webdriver.Chrome) -> None:
    with serve_process("--web", "0") as (proc, port):
        _, teacher = _teacher(proc)
        browser.get(teacher)
        student, _ = _student(port)
        with student:
            student.sendmail("a@x.example", ["b@y.example"],
                             b"Subject: Homework 3\r\n\r\nHello teacher\r\n")
        _wait_for(browser, "sessions", "S1")  # the row, live
        _wait_for(browser, "messages", "Homework 3")
        browser.find_element(By.PARTIAL_LINK_TEXT, "Homework 3").click()
        WebDriverWait(browser, GUARD).until(lambda d: d.title == "Homework 3")
        assert "Hello teacher" in browser.find_element(By.CSS_SELECTOR, "pre.body").text
        assert "Subject" in browser.find_element(By.CSS_SELECTOR, "table.fields").text


def test_the_xss_set_renders_as_text(browser: webdriver.Chrome) -> None:
    with serve_process("--web", "0") as (proc, port):
        _, teacher = _teacher(proc)
        browser.get(teacher)
        student, page = _student(port)
        with student:
            for payload in XSS:
                student.docmd("HELO", payload)
            student.ehlo("client.example")
            student.sendmail(f"{XSS[1]}@x.example", ["b@y.example"],
                             f"Subject: {XSS[3]} {XSS[2]}\r\n\r\n{XSS[0]}\r\n".encode())
            _wait_for(browser, "messages", XSS[2])  # live, through the script
            _no_alert(browser)
            browser.get(page)
            _wait_for(browser, "transcript", "HELO " + XSS[0])
            for payload in XSS:
                assert payload in browser.find_element(By.ID, "transcript").text
            _no_alert(browser)
            browser.find_element(By.PARTIAL_LINK_TEXT, XSS[2]).click()
            WebDriverWait(browser, GUARD).until(
                lambda d: XSS[0] in d.find_element(By.CSS_SELECTOR, "pre.body").text)
            _no_alert(browser)
            assert not browser.find_elements(By.CSS_SELECTOR, "main script, main img")


def test_the_teacher_needs_the_token_off_loopback(browser: webdriver.Chrome) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "serve", "--port", "0",
                             "--web", "0", "--host", "0.0.0.0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert read_line(proc).startswith(b"listening on smtp://0.0.0.0:")
        web_port, teacher = _teacher(proc)
        token = teacher.split("?token=", 1)[1]
        browser.get(f"http://127.0.0.1:{web_port}/teacher")
        assert "token" in browser.find_element(By.TAG_NAME, "main").text
        browser.get(f"http://127.0.0.1:{web_port}/teacher?token={token}")
        _wait_for(browser, "no-sessions", "nc -C")  # hidden, but there: the class page
        browser.get(f"http://127.0.0.1:{web_port}/teacher")  # the cookie remembers it
        assert browser.find_elements(By.ID, "sessions")
    finally:
        proc.kill()
        proc.wait()


def test_the_browser_console_is_a_session_of_the_same_server(browser: webdriver.Chrome) -> None:
    from selenium.webdriver.common.keys import Keys

    with serve_process("--web", "0") as (proc, _):
        web_port, teacher = _teacher(proc)
        browser.get(f"http://127.0.0.1:{web_port}/console")
        _wait_for(browser, "transcript", "220 ")  # the greeting, explained
        line = browser.find_element(By.ID, "line")
        line.send_keys("MAIL FROM:<a@b.example>", Keys.ENTER)
        _wait_for(browser, "transcript", "503 5.5.1", seconds=1.0)
        assert "How to fix" in browser.find_element(By.ID, "transcript").text
        log = read_line(proc).decode() + read_line(proc).decode()  # serve's own log lines:
        assert " S1 127.0.0.1:" in log and "-> MAIL FROM:<a@b.example>" in log, log  # any session
        browser.get(teacher)
        _wait_for(browser, "sessions", "S1")
        assert "MAIL before EHLO" in browser.find_element(By.ID, "mistakes").text
