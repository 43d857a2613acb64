"""Check the built book's kernel-free explorers in headless Chromium.

Opens each built lesson page (``_build/html/lessons/*.html``, or the pages given),
finds every explorer (``div.coursekit-explorer``), moves each of its controls one
step with the keyboard (arrow key on a range input) and checks that the figure
changes (its ``src``) and that the shown value follows. Also records every request
the page makes outside its own directory tree (must be none to a CDN) and the page's
size with its images.

Needs Chromium and its driver (Debian: ``apt-get install chromium chromium-driver``)
and selenium (``pip install selenium``); not part of ``make test``.

Run after ``make book``:  .venv/bin/python tools/check_static_explorers.py [page.html ...]
Exits non-zero if a lesson page has no explorer, an explorer does not respond, a
page requests a remote URL, or a page is over 5 MB.
"""

import json
import pathlib
import re
import sys

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parent.parent
LIMIT_MB = 5.0


def page_size(page: pathlib.Path) -> float:
    """MB of the page's HTML plus the local images it references."""
    text = page.read_text(encoding="utf-8")
    total = len(text.encode())
    for src in set(re.findall(r'<img[^>]+src="([^"]+)"', text)):
        if src.startswith("data:") or "://" in src:
            continue
        path = (page.parent / src.split("#")[0]).resolve()
        if path.is_file():
            total += path.stat().st_size
    return total / 1e6


def driver():
    opts = webdriver.ChromeOptions()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1200,900",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    binary = pathlib.Path("/usr/bin/chromium")
    if binary.exists():
        opts.binary_location = str(binary)
    service = Service("/usr/bin/chromedriver") if pathlib.Path("/usr/bin/chromedriver").exists() else Service()
    return webdriver.Chrome(options=opts, service=service)


def remote_requests(drv) -> list[str]:
    urls = []
    for entry in drv.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            url = msg["params"]["request"]["url"]
            if url.startswith(("http://", "https://")):
                urls.append(url)
    return urls


def check_page(drv, page: pathlib.Path) -> dict:
    drv.get_log("performance")  # drop earlier entries
    drv.get(page.as_uri())
    result = {
        "page": page.name,
        "explorers": 0,
        "responding": 0,
        "controls": 0,
        "moved": 0,
        "failures": [],
    }
    try:  # (once in a while the page was not there yet when drv.get returned)
        boxes = WebDriverWait(drv, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "div.coursekit-explorer"))
    except TimeoutException:
        boxes = []
        result["failures"].append("no explorer on the page (every lesson has one)")
    for box in boxes:
        result["explorers"] += 1
        img = box.find_element(By.TAG_NAME, "img")
        inputs = box.find_elements(By.CSS_SELECTOR, "input[type=range]")
        ok = bool(inputs)
        for el in inputs:
            result["controls"] += 1
            label = box.find_element(By.CSS_SELECTOR, f'label[for="{el.get_attribute("id")}"]').text
            out = box.find_element(By.CSS_SELECTOR, f'output[for="{el.get_attribute("id")}"]')
            drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", el)
            before_src, before_val = img.get_attribute("src"), out.text
            at_end = el.get_attribute("value") == el.get_attribute("max")
            el.send_keys(Keys.ARROW_LEFT if at_end else Keys.ARROW_RIGHT)
            after_src, after_val = img.get_attribute("src"), out.text
            if after_src != before_src and after_val != before_val:
                result["moved"] += 1
            else:
                ok = False
                result["failures"].append(
                    f"{label} does not respond: figure changed {after_src != before_src}, "
                    f"value {before_val!r} -> {after_val!r}"
                )
        result["responding"] += ok
    result["remote"] = remote_requests(drv)
    result["MB"] = page_size(page)
    return result


def main(argv):
    pages = [pathlib.Path(a).resolve() for a in argv] or sorted((ROOT / "_build/html/lessons").glob("*.html"))
    if not pages:
        sys.exit("no built lesson pages: run `make book` first")
    drv = driver()
    bad = False
    try:
        print(
            f"{'page':40s} {'explorers':>9s} {'responding':>10s} {'controls moved':>14s} {'remote req':>10s} {'MB':>6s}"
        )
        for page in pages:
            r = check_page(drv, page)
            print(
                f"{r['page']:40s} {r['explorers']:9d} {r['responding']:10d} "
                f"{r['moved']:>7d}/{r['controls']:<6d} {len(r['remote']):10d} {r['MB']:6.2f}"
            )
            for f in r["failures"]:
                print("   ", f)
            for url in r["remote"][:5]:
                print("    remote request:", url)
            bad |= r["responding"] < r["explorers"] or bool(r["remote"]) or r["MB"] > LIMIT_MB or bool(r["failures"])
    finally:
        drv.quit()
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
