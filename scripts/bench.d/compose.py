#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/bench, last step: set the runs of one bench invocation side by
side in one results file, and keep an earlier run's figures beside them.

    compose.py OUT_MD COMMAND_LINE [--before MD LABEL] RUN...

RUN is LABEL=FRAGMENT_MD=VERDICTS_JSON, one per test-host run, as
analyze.py wrote them. OUT_MD gets a targets table with one column per run
(and one for --before, read from that file's own targets table), then each
run's whole report, then the earlier report, unchanged but for its heading
levels. README's targets block (between its bench:targets markers) gets the
same table. Nothing is computed here: every figure is the runs' own.
"""
import json
import os
import re
import sys

args = sys.argv[1:]
out_md, cmdline = args[0], args[1]
args = args[2:]
before = None
if "--before" in args:
    i = args.index("--before")
    before = (args[i + 1], args[i + 2])
    del args[i:i + 3]
runs = []
for spec in args:
    label, frag, vpath = spec.split("=", 2)
    with open(vpath) as fh:
        v = json.load(fh)
    with open(frag) as fh:
        runs.append((label, fh.read(), v))


def demote(md, title):
    """The report under a heading of its own: '# x' dropped, '## x' → '### x'."""
    body = []
    for line in md.splitlines():
        if line.startswith("# "):
            continue
        if line.startswith("#"):
            line = "#" + line
        body.append(line)
    return [f"## {title}", ""] + body


def table_of(md):
    """(target, verdict, measured) rows of a report's own targets table."""
    rows, inside = [], False
    for line in md.splitlines():
        if line.startswith("## Targets"):
            inside = True
            continue
        if inside and line.startswith("## "):
            break
        m = re.match(r"^\| (.+?) \| (met|MISSED|not measured) \| (.*) \|$", line) if inside else None
        if m:
            rows.append(m.groups())
    return rows


cols = [(label, {w: (v, d) for w, v, d in r["verdicts"]}) for label, _, r in runs]
order = []
for _, _, r in runs:
    order += [w for w, _, _ in r["verdicts"] if w not in order]
before_md = None
if before:
    with open(before[0]) as fh:
        before_md = fh.read()
    rows = table_of(before_md)
    cols.append((f"earlier: {before[1]}", {w: (v, d) for w, v, d in rows}))
    order += [w for w, _, _ in rows if w not in order]


def cell(col, w):
    v = col.get(w)
    return "—" if v is None else f"{v[0]}: {v[1]}"


table = ["| target | " + " | ".join(label for label, _ in cols) + " |",
         "|---|" + "---|" * len(cols)]
# (a target's own name has bars in it: |mean period error|)
table += ["| " + " | ".join(x.replace("|", "\\|") for x in [w] + [cell(c, w) for _, c in cols]) + " |"
          for w in order]

doc = ["# hlkvm benchmark results", ""]
doc.append(f"Written by `{cmdline}`: {len(runs)} test-host run(s), one boot each, each report below "
           "computed from its own raw log alone (`.cache/bench/<kernel>-<irqchip>.log`). Only ratios "
           "inside one run mean anything; the columns side by side say how the same targets fared "
           "on each kernel and irqchip" + (", and in the earlier run kept at the end." if before else "."))
if any(not r["done"] for _, _, r in runs):
    doc += ["", "**At least one in-host run did not finish: its figures are partial (see its report).**"]
doc += ["", "## Targets, side by side", ""] + table + [""]
for label, frag, _ in runs:
    doc += demote(frag, f"Run: {label}") + [""]
if before_md is not None:
    doc += demote(before_md, f"Earlier run: {before[1]}") + [""]
with open(out_md, "w") as fh:
    fh.write("\n".join(doc).rstrip("\n") + "\n")

readme = os.path.join(os.path.dirname(os.path.abspath(out_md)), "..", "README.md")
if os.path.exists(readme):
    text = open(readme).read()
    m = re.search(r"<!-- bench:targets:begin -->\n.*?<!-- bench:targets:end -->", text, re.S)
    if m:
        block = ["<!-- bench:targets:begin -->"] + table + ["<!-- bench:targets:end -->"]
        text = text[:m.start()] + "\n".join(block) + text[m.end():]
        with open(readme, "w") as fh:
            fh.write(text)
print(f"bench: wrote {out_md} ({len(runs)} run(s) side by side)")
