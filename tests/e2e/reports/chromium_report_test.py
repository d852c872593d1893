"""The HTML report in a real browser (Debian's headless chromium).

Renders the fixed ResultSet (tests/unit/reports/fixture_result_set.h) to report.html, then
  1. screenshots it: the PNG must exist, be 1280x2000, and show real content (many colours,
     the charts' scheme colours) — not a blank or error page;
  2. dumps the DOM after scripts ran: the native and emulated sections hold exactly the
     right rows, the injected model name is text, and the only <script> is the report's own;
  3. records chromium's net log: the page must not start a single network request. A control
     page with a remote <img> proves the net-log check does see page requests.
Exit 77 (ctest: skipped) when chromium is not installed.

usage: chromium_report_test.py RENDER_FIXTURE_REPORT_BINARY WORK_DIR
"""
import html.parser
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

NATIVE_CELLS = {"a1b2c3", "a1b2c4", "a1b2c5", "a1b2c6", "d1b2c3", "e1b2c3", "e1b2c4"}
EMULATED_CELLS = {"b1b2c3", "b1b2c4", "b1b2c5", "c1b2c3"}
INJECTED = "<script>alert(1)</script>"
FP32_COLOUR = (0x4E, 0x79, 0xA7)  # SchemeColour("fp32") in reports/html_charts.cc


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def chromium(binary, url, *extra):
    profile = tempfile.mkdtemp(prefix="bsb-chromium-")
    try:
        args = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, *extra, url]
        return subprocess.run(args, capture_output=True, text=True, timeout=90)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def png_rows(path, max_rows):
    """Decodes the first max_rows rows of an 8-bit RGB/RGBA non-interlaced PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"{path} is not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour_type, _, _, interlace = header
    if depth != 8 or colour_type not in (2, 6) or interlace != 0:
        fail(f"unexpected PNG format {header}")
    bpp = 4 if colour_type == 6 else 3
    stride = width * bpp
    raw = zlib.decompressobj().decompress(idat, (stride + 1) * max_rows)
    rows, previous = [], bytearray(stride)
    for r in range(min(max_rows, len(raw) // (stride + 1))):
        kind, line = raw[r * (stride + 1)], bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, bpp, rows


def check_screenshot(binary, url, work):
    png = os.path.join(work, "report.png")
    netlog = os.path.join(work, "netlog.json")
    result = chromium(binary, url, "--screenshot=" + png, "--window-size=1280,2000",
                      "--log-net-log=" + netlog)
    if not os.path.exists(png):
        fail("chromium wrote no screenshot:\n" + result.stderr[-2000:])
    width, height, bpp, rows = png_rows(png, 900)
    if (width, height) != (1280, 2000):
        fail(f"screenshot is {width}x{height}, expected 1280x2000")
    colours, non_white = set(), 0
    for row in rows:
        for x in range(0, width * bpp, bpp):
            pixel = tuple(row[x:x + 3])
            colours.add(pixel)
            non_white += pixel != (255, 255, 255)
    share = non_white / (len(rows) * width)
    if len(colours) < 32 or share < 0.03:
        fail(f"screenshot looks blank: {len(colours)} colours, {share:.1%} non-white")
    if FP32_COLOUR not in colours:
        fail("the size/accuracy chart's fp32 colour is not on the screenshot (SVG not drawn?)")
    print(f"screenshot {png}: {len(colours)} colours, {share:.1%} non-white in the top 900 rows")
    return netlog


def page_requests(netlog_path):
    """URLs of network requests a page started (browser-internal ones have no origin)."""
    with open(netlog_path, encoding="utf-8") as f:
        log = json.load(f)
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log["events"]:
        params = event.get("params", {})
        # The job's begin event carries the URL; its end event only the error code.
        if names.get(event["type"]) == "URL_REQUEST_START_JOB" and "url" in params and \
                params.get("initiator") != "not an origin":
            urls.append(params["url"])
    return urls


def check_no_network(binary, work, netlog):
    requests = page_requests(netlog)
    if requests:
        fail(f"the report page made network requests: {requests}")
    # Control: a page that does load a remote image must show up in the same check.
    control = os.path.join(work, "control.html")
    with open(control, "w", encoding="utf-8") as f:
        f.write('<!DOCTYPE html><img src="http://127.0.0.1:9/probe.png">')
    control_log = os.path.join(work, "control-netlog.json")
    chromium(binary, "file://" + control, "--screenshot=" + os.path.join(work, "control.png"),
             "--window-size=200,200", "--log-net-log=" + control_log)
    if not any("127.0.0.1:9/probe.png" in url for url in page_requests(control_log)):
        fail("net-log check is blind: the control page's remote image was not seen")
    print("net log: no page requests (control request detected)")


class Dom(html.parser.HTMLParser):
    """Collects, per <section id>, the data-cell rows; the text of <td>s; every <script>."""

    def __init__(self):
        super().__init__()
        self.section, self.rows, self.cells_text = None, {}, []
        self.scripts, self.in_script, self.in_td, self.tags = [], False, False, set()
        self.html_attrs = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        if tag == "html":
            self.html_attrs = attrs
        if tag == "section":
            self.section = attrs.get("id")
        elif tag == "tr" and "data-cell" in attrs:
            self.rows.setdefault(self.section, []).append(attrs["data-cell"])
        elif tag == "script":
            self.in_script = True
            self.scripts.append("")
        elif tag == "td":
            self.in_td = True
            self.cells_text.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False
        elif tag == "td":
            self.in_td = False
        elif tag == "section":
            self.section = None

    def handle_data(self, data):
        if self.in_script:
            self.scripts[-1] += data
        elif self.in_td:
            self.cells_text[-1] += data


def check_dom(binary, url):
    result = chromium(binary, url, "--dump-dom")
    if "</html>" not in result.stdout:
        fail("chromium --dump-dom returned no document:\n" + result.stderr[-2000:])
    dom = Dom()
    dom.feed(result.stdout)
    for section, expected in (("native", NATIVE_CELLS), ("emulated", EMULATED_CELLS)):
        rows = dom.rows.get(section)
        if rows is None:
            fail(f"no <section id={section}> with rows in the DOM")
        if sorted(rows) != sorted(expected):
            fail(f"section {section} has rows {sorted(rows)}, expected {sorted(expected)}")
    if INJECTED not in dom.cells_text:
        fail("the injected model name is not shown as text in a table cell")
    if len(dom.scripts) != 1 or any("alert" in s for s in dom.scripts):
        fail(f"unexpected scripts in the DOM: {dom.scripts}")
    for tag in ("img", "i", "iframe", "link"):
        if tag in dom.tags:
            fail(f"a <{tag}> element exists: an outside string became markup")
    if dom.html_attrs.get("data-sorting") != "ready":
        fail("the table-sorting script did not run to its end (a JavaScript error?)")
    print(f"DOM: native {len(NATIVE_CELLS)} rows, emulated {len(EMULATED_CELLS)} rows, "
          "injection stayed text")


def main():
    render, work = sys.argv[1], sys.argv[2]
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        print("SKIP: chromium is not installed (Debian package `chromium`, see ci/install-deps.sh)")
        sys.exit(77)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    report = os.path.join(work, "report.html")
    subprocess.run([render, "html", report], check=True)
    with open(report, encoding="utf-8") as f:
        text = f.read()
    for scheme in ("http://", "https://", "//cdn", "url("):
        if scheme in text:
            fail(f"report.html contains {scheme!r}: it must not reference anything outside")
    url = "file://" + os.path.abspath(report)
    netlog = check_screenshot(binary, url, work)
    check_no_network(binary, work, netlog)
    check_dom(binary, url)
    print("PASS")


if __name__ == "__main__":
    main()
