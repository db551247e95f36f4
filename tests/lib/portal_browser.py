#!/usr/bin/python3
"""tests/lib/portal_browser.py: the recipient's path in a real browser
(headless Chromium driven through WebDriver by selenium), for
tests/e2e/portal_browser.sh.

    portal_browser.py --link URL --link-html URL --sink DIR --rcpt ADDR
                      --pdf FILE --out DIR --count-file FILE

Opens the link, presses send-code, reads the code mail from the SMTP sink,
types the code, presses verify, checks subject, body and attachment, clicks
the attachment and compares the downloaded file with the original; then the
refusals a recipient can meet in a browser (an altered link, a wrong code) and an HTML message carrying a script
(never run: no alert, the title unchanged). A screenshot of every step goes
to --out (desktop and phone widths). Prints TAP lines without numbers; the
count goes to --count-file. Chromium runs as root, so: --no-sandbox, a fresh
--user-data-dir, no network services of its own.
"""
import argparse
import glob
import os
import re
import shutil
import sys
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, NoSuchElementException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

N = 0
FAILED = 0


def ok(cond, name, diag=None):
    global N, FAILED
    N += 1
    print("%sok - %s" % ("" if cond else "not ", name), flush=True)
    if not cond:
        FAILED += 1
        if diag:
            for line in str(diag).splitlines()[:6]:
                print("#   %s" % line[:200], flush=True)
    return cond


def code_mails(sink, rcpt):
    out = []
    for env in sorted(glob.glob(os.path.join(sink, "*.env"))):
        with open(env, encoding="utf-8", errors="replace") as f:
            if ("to %s" % rcpt).lower() not in f.read().lower().split("\n"):
                continue
        eml = env[:-4] + ".eml"
        if not os.path.exists(eml):
            continue
        data = open(eml, "rb").read()
        head, _, body = data.partition(b"\r\n\r\n")
        subj = re.search(rb"(?im)^subject:(.*)$", head)
        if subj and b"code" in subj.group(1).lower():
            out.append((eml, body))
    return out


def wait_code(sink, rcpt, seen, secs=40):
    end = time.time() + secs
    while time.time() < end:
        for eml, body in code_mails(sink, rcpt):
            if eml not in seen:
                seen.add(eml)
                runs = re.findall(rb"(?<![0-9])[0-9]{6,8}(?![0-9])", body)
                return runs[0].decode() if len(runs) == 1 else None
        time.sleep(0.25)
    return None


def browser(download_dir, profile):
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--disable-extensions", "--window-size=1280,900",
                "--user-data-dir=%s" % profile):
        o.add_argument(arg)
    o.add_experimental_option("prefs", {
        "download.default_directory": download_dir,
        "download.prompt_for_download": False,
        "safebrowsing.enabled": False,
    })
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    d.set_page_load_timeout(30)
    d.implicitly_wait(5)  # find_element waits for the page a click led to
    try:
        d.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": download_dir})
    except Exception:
        pass
    return d


def shot(d, out, name, phone=False):
    """Full-page screenshot of the current page (desktop, or phone width)."""
    if phone:
        d.set_window_size(390, 844)
    h = d.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
    w = 390 if phone else 1280
    d.set_window_size(w, max(int(h) + 140, 600))
    d.save_screenshot(os.path.join(out, name))
    d.set_window_size(1280, 900)


def no_alert(d):
    try:
        d.switch_to.alert
        return False
    except NoAlertPresentException:
        return True


def main():
    ap = argparse.ArgumentParser()
    for a in ("link", "link-html", "sink", "rcpt", "pdf", "out", "count-file"):
        ap.add_argument("--" + a, required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for old in glob.glob(os.path.join(a.out, "*.png")):
        os.unlink(old)
    pdf = open(a.pdf, "rb").read()
    seen = set(e for e, _ in code_mails(a.sink, a.rcpt))
    tmp = tempfile.mkdtemp(prefix="phibrowser.")
    dl = os.path.join(tmp, "downloads")
    os.makedirs(dl)
    d = browser(dl, os.path.join(tmp, "profile"))
    try:
        # ------------------------------------------------------------ the path
        d.get(a.link)
        shot(d, a.out, "01-landing.png")
        ok(d.find_elements(By.ID, "send-code") and "Example Hospital" in d.page_source,
           "browser: the link opens the landing page with the send-code button")
        shot(d, a.out, "01-landing-phone.png", phone=True)
        d.find_element(By.ID, "send-code").click()
        ok(d.find_elements(By.NAME, "code") and d.find_elements(By.ID, "verify"),
           "browser: send-code shows the code form")
        shot(d, a.out, "02-code-form.png")
        code = wait_code(a.sink, a.rcpt, seen)
        ok(code is not None, "browser: the code mail arrives at the sink with one 6-8 digit code")
        # a wrong code first: the page says so and the form stays usable
        d.find_element(By.NAME, "code").send_keys("00000000" if code != "00000000" else "11111111")
        d.find_element(By.ID, "verify").click()
        # The click returns before the next page may have loaded on a slow machine.
        end = time.monotonic() + 15
        while time.monotonic() < end and "not right" not in d.page_source:
            time.sleep(0.2)
        ok("not right" in d.page_source and d.find_elements(By.NAME, "code"),
           "browser: a wrong code is refused in plain words, the form stays")
        shot(d, a.out, "03-wrong-code.png")
        d.find_element(By.NAME, "code").send_keys(code or "")
        d.find_element(By.ID, "verify").click()
        try:
            subject = d.find_element(By.ID, "subject").text
            body = d.find_element(By.ID, "body").text
        except NoSuchElementException:
            subject = body = ""
        ok("Lab results for the follow-up" in subject, "browser: the message page shows the subject", subject[:80])
        ok("lab results for the follow-up" in body and "<script>alert(1)</script>" in body,
           "browser: the body is shown, a <script> in the text as text")
        atts = d.find_elements(By.CSS_SELECTOR, "a.attachment")
        ok(len(atts) == 1 and atts[0].text.strip() == "lab-report.pdf",
           "browser: one attachment link named lab-report.pdf", repr([x.text for x in atts]))
        shot(d, a.out, "04-message.png")
        shot(d, a.out, "04-message-phone.png", phone=True)
        if atts:
            atts[0].click()
            target = os.path.join(dl, "lab-report.pdf")
            end = time.time() + 20
            while time.time() < end and not os.path.exists(target):
                time.sleep(0.2)
            time.sleep(0.5)
            got = open(target, "rb").read() if os.path.exists(target) else b""
            ok(got == pdf, "browser: the downloaded attachment is byte-identical to the original",
               "%d vs %d bytes; files: %r" % (len(got), len(pdf), os.listdir(dl)))
        # ------------------------------------------------------------ refusals
        altered = a.link[:-1] + ("0" if a.link[-1] != "0" else "1")
        d.get(altered)
        ok("not valid" in d.page_source and not d.find_elements(By.ID, "send-code"),
           "browser: an altered link says the link is not valid")
        shot(d, a.out, "05-altered-link.png")

        # ------------------------------------------------------------ an HTML message with a script
        d.get(a.link_html)
        d.find_element(By.ID, "send-code").click()
        code2 = wait_code(a.sink, a.rcpt, seen)
        d.find_element(By.NAME, "code").send_keys(code2 or "")
        d.find_element(By.ID, "verify").click()
        time.sleep(0.5)
        ok(no_alert(d) and "pwned" not in d.title and d.find_elements(By.ID, "body"),
           "browser: an HTML message with a script opens, no alert, the title untouched", d.title)
        ok("Results are attached" in d.find_element(By.ID, "body").text,
           "browser: the HTML message's words are shown as text")
        ok(len(d.find_elements(By.TAG_NAME, "script")) == 0 and len(d.find_elements(By.TAG_NAME, "img")) == 0,
           "browser: no script or image element in the page")
        shot(d, a.out, "06-html-message.png")
    finally:
        d.quit()
        shutil.rmtree(tmp, ignore_errors=True)
    with open(a.count_file, "w") as f:
        f.write("%d %d\n" % (N, FAILED))
    return 0


if __name__ == "__main__":
    sys.exit(main())
