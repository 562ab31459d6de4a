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


def _greeted(text: str) -> str:
    """The page address a greeting (or a transcript holding one) names."""
    found = re.search(r"explained at (http://\S+/s/[\w-]+)", text)
    assert found, text
    return found[1]


def _by_smtplib(port: int, name: str) -> str:
    """A smtplib student: a mistake (MAIL before EHLO), then a message; their page."""
    with smtplib.SMTP(timeout=GUARD) as student:
        _, banner = student.connect("127.0.0.1", port)
        assert student.docmd("MAIL", "FROM:<a@x.example>")[0] == 503
        student.ehlo(name)
        student.sendmail("a@x.example", ["b@y.example"],
                         f"Subject: Class {name}\r\n\r\nHello\r\n".encode())
        return _greeted(banner.decode())


def _by_swaks(port: int, name: str) -> str:
    """A swaks student: one message; their page, from swaks's own transcript."""
    done = subprocess.run(["swaks", "--server", f"127.0.0.1:{port}", "--helo", name,
                           "--from", "a@x.example", "--to", "b@y.example",
                           "--header", f"Subject: Class {name}", "--body", "Hello"],
                          capture_output=True, text=True, timeout=GUARD, check=True)
    return _greeted(done.stdout)


def _by_nc(port: int, name: str) -> str:
    """A student typing into ``nc -C``: a mistake (RCPT before MAIL), then a message."""
    nc = subprocess.Popen(["nc", "-C", "127.0.0.1", str(port)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert nc.stdin is not None
    try:
        said = [read_line(nc).decode()]
        for line in ("RCPT TO:<b@y.example>", f"EHLO {name}", "MAIL FROM:<a@x.example>",
                     "RCPT TO:<b@y.example>", "DATA",
                     f"Subject: Class {name}\n\nHello\n.", "QUIT"):
            nc.stdin.write(line.encode() + b"\n")
            nc.stdin.flush()
            while not re.match(r"\d{3} ", reply := read_line(nc).decode()):
                pass
            said.append(reply)
        assert said[1].startswith("503 ") and said[-2].startswith("250 "), said
        return _greeted(said[0])
    finally:
        nc.kill()
        nc.wait()


def _type(browser: webdriver.Chrome, tab: str, line: str, replies: int) -> None:
    """Type ``line`` into the console in ``tab``; with ``replies``, wait until the
    transcript holds that many exchanges."""
    from selenium.webdriver.common.keys import Keys

    browser.switch_to.window(tab)
    browser.find_element(By.ID, "line").send_keys(line, Keys.ENTER)
    if replies:
        WebDriverWait(browser, GUARD, poll_frequency=0.05).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, "#transcript .exchange")) >= replies)


def _consoles_send(browser: webdriver.Chrome, tabs: list[str]) -> None:
    """Each console tab: a mistake (DATA before MAIL), then a message, line by line, the
    tabs taking turns."""
    steps = [("DATA", 2), ("EHLO {name}", 3), ("MAIL FROM:<a@x.example>", 4),
             ("RCPT TO:<b@y.example>", 5), ("DATA", 6), ("Subject: Class {name}", 0),
             ("", 0), ("Hello", 0), (".", 7)]
    for line, replies in steps:
        for index, tab in enumerate(tabs):
            _type(browser, tab, line.format(name=f"console-{index}.example"), replies)


def test_a_class_of_ten_clients_and_three_browser_consoles(browser: webdriver.Chrome) -> None:
    """Issue 25's "done means": ten real clients and three browser consoles at once; each
    student's page shows their own session explained, the teacher's page every session
    and every message."""
    from concurrent.futures import ThreadPoolExecutor

    clients = [(_by_smtplib, "smtplib-{}.example")] * 4 + [(_by_swaks, "swaks-{}.example")] * 3 \
        + [(_by_nc, "nc-{}.example")] * 3
    names = [pattern.format(index) for index, (_, pattern) in enumerate(clients)]
    with serve_process("--web", "0") as (proc, port), ThreadPoolExecutor(10) as pool:
        web_port, teacher = _teacher(proc)
        first, tabs = browser.current_window_handle, []
        for _ in range(3):
            browser.switch_to.new_window("tab")
            browser.get(f"http://127.0.0.1:{web_port}/console")
            tabs.append(browser.current_window_handle)
        for tab in tabs:
            browser.switch_to.window(tab)
            _wait_for(browser, "transcript", "220 ")
        pages = [pool.submit(send, port, name) for (send, _), name in zip(clients, names, strict=True)]
        _consoles_send(browser, tabs)  # while the ten clients send
        for index, tab in enumerate(tabs):
            browser.switch_to.window(tab)
            own = browser.find_element(By.ID, "transcript").text
            assert f"Why: You greeted the server with EHLO console-{index}.example" in own
            assert "How to fix" in own and "smtplib-0.example" not in own
        browser.switch_to.new_window("tab")  # in front: a tab behind others is throttled
        reader = browser.current_window_handle
        for tab in [first, *tabs]:  # a browser holds six connections to one host at most:
            browser.switch_to.window(tab)  # the consoles' streams would take them
            browser.close()
        browser.switch_to.window(reader)
        for name, page in zip(names, [f.result(timeout=GUARD) for f in pages], strict=True):
            browser.get(page)
            _wait_for(browser, "transcript", f"Why: You greeted the server with EHLO {name}")
            shown = browser.find_element(By.ID, "transcript").text
            assert not [other for other in names if other != name and other in shown], name
            _wait_for(browser, "messages", f"Class {name}")
        browser.get(teacher)
        WebDriverWait(browser, GUARD).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, "#sessions tbody tr")) == 13)
        everyone = names + [f"console-{index}.example" for index in range(3)]
        for name in everyone:
            _wait_for(browser, "sessions", name)
            _wait_for(browser, "messages", f"Class {name}")


def test_one_tab_goes_through_more_pages_than_a_browser_keeps_connections(
        browser: webdriver.Chrome) -> None:
    """A browser keeps six connections to a server; a page left must let go of its live
    stream (the seventh transcript a teacher opened in one tab never loaded)."""
    with serve_process("--web", "0") as (proc, port):
        _teacher(proc)
        names = [f"pc-{index}.example" for index in range(8)]
        for name in names:
            browser.get(_by_smtplib(port, name))
            _wait_for(browser, "transcript", f"EHLO {name}")
        browser.back()  # a page come back to follows its stream again
        _wait_for(browser, "transcript", f"EHLO {names[-2]}")
        assert "<-  220 " in browser.find_element(By.ID, "transcript").text
