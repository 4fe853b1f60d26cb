#!/usr/bin/env python3
"""The size of Storefeed's client and of a first visit, checked against the budget.

Prints every file of the built client (the site's pkg dir) raw, gzip and
brotli (the copies `--precompress` wrote, which are what the server sends),
then fetches `/` from a running release server the way a browser does on a
first visit (Accept-Encoding: br, gzip; empty cache) along with the CSS, JS
and WASM the page loads, and sums the bytes actually transferred (bodies as
sent). Exits 1 when that total exceeds the budget in budget/first-visit.toml.

Usage: size-report.py --pkg-dir DIR --base-url URL --budget FILE
"""

import argparse
import html.parser
import re
import sys
import tomllib
import urllib.parse
import urllib.request
from pathlib import Path

ACCEPT_ENCODING = "br, gzip"
# What a first visit downloads besides the HTML: the stylesheet, the JS
# module and the WASM it instantiates (HydrationScripts preloads both).
LOADED_RELS = {"stylesheet", "modulepreload", "preload"}
# Static `import ... from "x"` and dynamic `import("x")` in the JS module.
JS_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+\.js)["']""")


class PageAssets(html.parser.HTMLParser):
    """The URLs of the stylesheets, scripts and preloads a page names."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and LOADED_RELS & set((attrs.get("rel") or "").split()) and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])


def kib(n):
    return f"{n / 1024:,.1f} KiB"


def size(n):
    return f"{n:,}"


def client_table(pkg_dir):
    """Rows (name, raw, gzip, brotli) for each file of the client; sizes of
    missing copies are None."""
    rows = []
    for path in sorted(p for p in pkg_dir.rglob("*") if p.is_file() and p.suffix not in (".br", ".gz")):
        copy = lambda ext: path.with_name(path.name + ext)
        bytes_of = lambda p: p.stat().st_size if p.exists() else None
        rows.append((str(path.relative_to(pkg_dir)), path.stat().st_size, bytes_of(copy(".gz")), bytes_of(copy(".br"))))
    return rows


def fetch(url):
    """(status, bytes on the wire, Content-Encoding, body) of a GET."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": ACCEPT_ENCODING, "User-Agent": "size-report"})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
        return response.status, len(body), response.headers.get("Content-Encoding", "identity"), body


def first_visit(base_url):
    """Rows (url, bytes, encoding) for `/` and everything it loads."""
    status, sent, encoding, _ = fetch(base_url + "/")
    if status != 200:
        sys.exit(f"size-report: / answered {status}")
    rows = [("/", sent, encoding)]
    # Read the HTML uncompressed: only its sent size counts, read above.
    page = urllib.request.urlopen(urllib.request.Request(base_url + "/"), timeout=60).read().decode("utf-8", "replace")
    parser = PageAssets()
    parser.feed(page)
    queue, seen = list(parser.urls), set()
    while queue:
        url = urllib.parse.urljoin(base_url + "/", queue.pop(0))
        if url in seen or not url.startswith(base_url):
            continue
        seen.add(url)
        status, sent, encoding, _ = fetch(url)
        if status != 200:
            sys.exit(f"size-report: {url} answered {status}")
        rows.append((urllib.parse.urlparse(url).path, sent, encoding))
        if url.endswith(".js"):
            source = urllib.request.urlopen(url, timeout=60).read().decode("utf-8", "replace")
            queue.extend(urllib.parse.urljoin(url, found) for found in JS_IMPORT.findall(source))
    return rows


def main():
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--pkg-dir", required=True, type=Path)
    args.add_argument("--base-url", required=True)
    args.add_argument("--budget", required=True, type=Path)
    args = args.parse_args()
    budget = tomllib.loads(args.budget.read_text())["first-visit"]

    rows = client_table(args.pkg_dir)
    if not rows:
        sys.exit(f"size-report: no client files in {args.pkg_dir}: build the release site first")
    print(f"\nThe client ({args.pkg_dir}): raw, gzip and brotli as sent")
    print(f"  {'file':<52} {'raw bytes':>14} {'gzip':>14} {'brotli':>14}")
    missing = []
    for name, raw, gz, br in rows:
        cell = lambda n: size(n) if n is not None else "(no copy)"
        print(f"  {name:<52} {size(raw):>14} {cell(gz):>14} {cell(br):>14}")
        if gz is None or br is None:
            missing.append(name)
    total = [sum(r[i] or 0 for r in rows) for i in (1, 2, 3)]
    print(f"  {'all files':<52} {size(total[0]):>14} {size(total[1]):>14} {size(total[2]):>14}")
    if missing:
        sys.exit(
            "size-report: no brotli or gzip copy of " + ", ".join(missing) + ": the release build must run with "
            "--precompress (sf_build_release in scripts/leptos-env.sh does)"
        )

    visit = first_visit(args.base_url)
    print(f"\nA first visit to / (Accept-Encoding: {ACCEPT_ENCODING}, empty cache): bytes transferred")
    for path, sent, encoding in visit:
        print(f"  {path:<68} {size(sent):>14} {encoding:>9}")
    downloaded = sum(sent for _, sent, _ in visit)
    limit, goal = budget["budget-bytes"], budget["goal-bytes"]
    print(f"  {'total':<68} {size(downloaded):>14}  ({kib(downloaded)})")
    print(f"\nFirst visit: {downloaded:,} bytes; budget {limit:,} bytes ({args.budget}); goal {goal:,} bytes.")
    if not any(path.endswith(".wasm") for path, _, _ in visit):
        sys.exit("size-report: / loads no WASM: the page or this report is broken")
    if downloaded > limit:
        sys.exit(
            f"size-report: OVER BUDGET: a first visit to / downloads {downloaded:,} bytes ({kib(downloaded)}), "
            f"more than the budget of {limit:,} bytes ({kib(limit)}) in {args.budget}. Make the client smaller, "
            f"or raise budget-bytes there in a commit that says why (README: \"Caching and the size budget\")."
        )
    print(f"Within budget ({limit - downloaded:,} bytes to spare).")


if __name__ == "__main__":
    main()
