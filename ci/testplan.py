#!/usr/bin/env python3
"""Check the subtest doc comments of tests/*.c and generate the testplan.

Every test source carries one `TEST:` block and `SUBTEST:` blocks in
`/** ... */` comments (format: docs/documenting-tests.md). This script
expands the documented names, compares them with each binary's
`<bin>.testlist` (its --show-testlist output) and writes a Markdown testplan.
A TEST block's `Scenario catalog:` field names shared sources (a directory
of *.c or single files) whose SUBTEST blocks belong to that binary too:
subtests built into several binaries are documented once, next to their code.
Its `Catalog variants:` field lists the variants of a backend that has them
(`@name: text` lines): the catalog's subtests are then documented once per
variant, `<subtest>-<variant>`, as svm_catalog_subtests() names them.

  testplan.py --sources tests/*.c --check build/tests --markdown plan.md
  testplan.py --sources tests/*.c --list
  testplan.py --up-to-date build/docs/testplan.md docs/testplan.md

Exit status: 0 when everything is consistent, 1 on any error.
"""
import argparse
import difflib
import itertools
import os
import re
import sys

FIELDS = ("TEST", "SUBTEST", "Category", "Mega feature", "Sub-category",
          "Functionality", "Description", "Kernel change", "Test category",
          "Test requirement", "Driver", "Run type", "Issue", "TODO",
          "Scenario catalog", "Catalog variants")
CANONICAL = {name.lower(): name for name in FIELDS}
CANONICAL["subtests"] = "SUBTEST"
TAGS = ("TEST", "SUBTEST")
TABLE_FIELDS = ("Description", "Functionality", "Kernel change")
MANDATORY_OWN = ("Description",)
MANDATORY_INHERITABLE = ("Functionality",)
# Subtests inherit every other field of the TEST block.
NOT_INHERITED = ("TEST", "Description", "Scenario catalog", "Catalog variants")
VARIANTS = "Catalog variants"

COMMENT_RE = re.compile(r"/\*\*(?!/)(.*?)\*/", re.S)
# A field name is one to three words followed by a colon.
FIELD_RE = re.compile(r"^([A-Za-z][\w-]*(?: [A-Za-z][\w-]*){0,2}):"
                      r"(?:\s+(.*))?$")
ARG_TABLE_RE = re.compile(r"^arg\[(\d+)\]:$")
ARG_VALUES_RE = re.compile(r"^arg\[(\d+)\]\.values:\s*(.*)$")
ARG_ENTRY_RE = re.compile(r"^@(\S+?):(?:\s+(.*))?$")
ARG_REF_RE = re.compile(r"%arg\[(\d+)\]")
WILDCARD_RE = re.compile(r"%[sd]")
NAME_RE = re.compile(r"^[a-z0-9_-]+$")


class Errors:
    """Collects error messages; the run fails when there is any."""

    def __init__(self):
        self.messages = []

    def add(self, message, path=None, line=None):
        where = f"{path}:{line}: " if line else f"{path}: " if path else ""
        self.messages.append(f"ERROR: {where}{message}")

    def __bool__(self):
        return bool(self.messages)


class Text:
    """A field value or arg text; wrapped lines extend it."""

    def __init__(self, text, line):
        self.text = text
        self.line = line


class ArgTable:
    def __init__(self, line):
        self.line = line
        self.entries = []  # (value, Text)


class Section:
    """A TEST or SUBTEST part of a doc comment, with its fields."""

    def __init__(self, kind, line):
        self.kind = kind
        self.line = line
        self.names = []    # (pattern, line) for SUBTEST
        self.fields = {}   # canonical name -> Text
        self.args = {}     # n -> ArgTable
        self.variants = None  # ArgTable of a TEST block's Catalog variants

    def value(self, field):
        return self.fields[field].text if field in self.fields else ""


class Subtest:
    def __init__(self, name, path, line, fields):
        self.name = name
        self.path = path    # the file documenting it: the test or a catalog
        self.line = line
        self.fields = fields


class TestDoc:
    def __init__(self, path):
        self.path = path
        self.binary = os.path.splitext(os.path.basename(path))[0]
        self.test = None
        self.subtests = []


# --- Reading the comments ----------------------------------------------------

def comment_blocks(text):
    """Yield each /** */ comment as a list of (line number, stripped text)."""
    for match in COMMENT_RE.finditer(text):
        first = text.count("\n", 0, match.start()) + 1
        yield [(first + i, raw.strip().lstrip("*").strip())
               for i, raw in enumerate(match.group(1).split("\n"))]


def field_of(text):
    """(canonical name or None, raw name, value) if text looks like a field."""
    match = FIELD_RE.match(text)
    if not match:
        return None
    raw = match.group(1)
    return CANONICAL.get(raw.lower()), raw, (match.group(2) or "").strip()


def is_doc_block(lines):
    for _, text in lines:
        if text:
            field = field_of(text)
            return bool(field) and field[0] in TAGS
    return False


class BlockParser:
    """Turns the lines of one doc comment into Sections."""

    def __init__(self, path, errors):
        self.path = path
        self.errors = errors
        self.sections = []
        self.table = None       # arg table receiving @value entries
        self.continued = None   # Text that a wrapped line extends

    def error(self, message, line):
        self.errors.add(message, self.path, line)

    def parse(self, lines):
        for line, text in lines:
            if not text:
                self.continued = None
                continue
            self.parse_line(line, text)
        return self.sections

    def parse_line(self, line, text):
        for regex, handler in ((ARG_VALUES_RE, self.arg_values),
                               (ARG_TABLE_RE, self.arg_table),
                               (ARG_ENTRY_RE, self.arg_entry)):
            match = regex.match(text)
            if match:
                handler(line, match)
                return
        field = field_of(text)
        if field:
            self.field(line, *field)
        elif self.continued:
            self.continued.text += " " + text
        else:
            self.error(f'stray text "{text}" (not a field, arg table entry '
                       'or continuation line)', line)

    def new_table(self, line, match):
        self.continued = None
        self.table = None
        section = self.sections[-1]
        n = int(match.group(1))
        if section.kind != "SUBTEST":
            self.error(f"arg[{n}] outside a SUBTEST block", line)
        elif n in section.args:
            self.error(f"arg[{n}] defined twice (first at line "
                       f"{section.args[n].line})", line)
        else:
            section.args[n] = ArgTable(line)
            return section.args[n]
        return None

    def arg_table(self, line, match):
        self.table = self.new_table(line, match)

    def arg_values(self, line, match):
        table = self.new_table(line, match)
        if table is None:
            return
        values = [v.strip() for v in match.group(2).split(",") if v.strip()]
        if not values:
            self.error(f"arg[{match.group(1)}].values lists no value", line)
        for value in values:
            self.add_entry(table, line, value, value)

    def arg_entry(self, line, match):
        if self.table is None:
            self.error(f'"@{match.group(1)}:" outside an arg[n] or '
                       f'{VARIANTS} table', line)
            self.continued = None
            return
        self.continued = self.add_entry(self.table, line, match.group(1),
                                        (match.group(2) or "").strip())

    def add_entry(self, table, line, value, text):
        if not NAME_RE.match(value):
            self.error(f'arg value "{value}" may only contain [a-z0-9_-]',
                       line)
        elif any(value == v for v, _ in table.entries):
            self.error(f'arg value "{value}" listed twice', line)
        entry = Text(text, line)
        table.entries.append((value, entry))
        return entry

    def field(self, line, name, raw, value):
        self.table = None
        self.continued = None
        if name is None:
            known = ", ".join(FIELDS)
            self.error(f'unknown field "{raw}" (known fields: {known})', line)
        elif name in TAGS:
            self.tag(line, name, value)
        else:
            section = self.sections[-1]
            if name in section.fields:
                self.error(f"field {name} given twice in this block (first "
                           f"at line {section.fields[name].line})", line)
                return
            section.fields[name] = self.continued = Text(value, line)
            if name == VARIANTS:
                self.variants(section, line, value)

    def variants(self, section, line, value):
        """A Catalog variants field: a table of @name: text, or a, b."""
        self.continued = None
        if section.kind != "TEST":
            self.error(f"{VARIANTS} outside the TEST block", line)
            return
        section.variants = self.table = ArgTable(line)
        for name in (v.strip() for v in value.split(",") if v.strip()):
            self.add_entry(self.table, line, name, name)

    def tag(self, line, name, value):
        last = self.sections[-1] if self.sections else None
        joins_last = (name == "SUBTEST" and last and last.kind == "SUBTEST"
                      and not last.fields and not last.args)
        if not joins_last:
            self.sections.append(Section(name, line))
        section = self.sections[-1]
        if name == "TEST":
            section.fields["TEST"] = self.continued = Text(value, line)
        else:
            section.names.append((value, line))


# --- Expanding the names -----------------------------------------------------

def substitute(text, choice):
    """Replace %arg[n] by the text of the chosen arg[n] value."""
    return ARG_REF_RE.sub(lambda m: choice.get(int(m.group(1)), m.group(0)),
                          text)


def check_references(path, section, pattern, line, errors):
    wildcards = len(WILDCARD_RE.findall(pattern))
    for field, value in section.fields.items():
        for n in sorted({int(n) for n in ARG_REF_RE.findall(value.text)}):
            if not 1 <= n <= wildcards:
                errors.add(f'{field} uses %arg[{n}] but "{pattern}" has no '
                           f'wildcard {n}', path, line)


def expand_pattern(path, section, pattern, line, errors):
    """Yield (name, {n: text}) for every value combination of a pattern."""
    wildcards = WILDCARD_RE.findall(pattern)
    tables = []
    for n, wildcard in enumerate(wildcards, 1):
        table = section.args.get(n)
        if table is None or not table.entries:
            errors.add(f'"{pattern}" has {len(wildcards)} wildcard(s) but '
                       f'no arg[{n}] values', path, line)
            return
        if wildcard == "%d":
            for value, text in table.entries:
                if not value.isdigit():
                    errors.add(f'arg[{n}] value "{value}" is not a number '
                               f'but fills %d', path, text.line)
        tables.append(table.entries)
    pieces = WILDCARD_RE.split(pattern)
    for combo in itertools.product(*tables):
        name = pieces[0] + "".join(value + piece for (value, _), piece
                                   in zip(combo, pieces[1:]))
        yield name, {n: text.text for n, (_, text) in enumerate(combo, 1)}


def check_unused_tables(path, section, errors):
    used = max(len(WILDCARD_RE.findall(p)) for p, _ in section.names)
    for n, table in sorted(section.args.items()):
        if n > used or n < 1:
            errors.add(f"arg[{n}] matches no wildcard of the SUBTEST names",
                       path, table.line)


def check_mandatory(path, section, test, errors):
    subtest = f'SUBTEST "{section.names[0][0]}"'
    for field in MANDATORY_OWN:
        if not section.value(field):
            errors.add(f"{subtest} has no {field}", path, section.line)
    for field in MANDATORY_INHERITABLE:
        if not section.value(field) and not test.value(field):
            errors.add(f"{subtest} has no {field} (nor has the TEST block)",
                       path, section.line)


def expand_section(doc, section, errors, path=None):
    """Subtests of a SUBTEST section found in @path (default: the test)."""
    path = path or doc.path
    check_unused_tables(path, section, errors)
    check_mandatory(path, section, doc.test, errors)
    inherited = {name: value.text for name, value in doc.test.fields.items()
                 if name not in NOT_INHERITED}
    for pattern, line in section.names:
        check_references(path, section, pattern, line, errors)
        for sub, choice in expand_pattern(path, section, pattern, line,
                                          errors):
            name = f"igt@{doc.binary}@{sub}" if sub else f"igt@{doc.binary}"
            if sub and not NAME_RE.match(sub):
                errors.add(f'subtest name "{sub}" may only contain '
                           '[a-z0-9_-]', path, line)
            fields = dict(inherited)
            fields.update({field: substitute(value.text, choice)
                           for field, value in section.fields.items()})
            yield Subtest(name, path, line, fields)


def check_names(doc, errors):
    seen = {}
    for sub in doc.subtests:
        if sub.name in seen:
            path, line = seen[sub.name]
            where = f"line {line}" if path == sub.path else f"{path}:{line}"
            errors.add(f"{sub.name} documented twice (first at {where})",
                       sub.path, sub.line)
        seen.setdefault(sub.name, (sub.path, sub.line))
    simple = f"igt@{doc.binary}"
    if simple in seen and len(doc.subtests) > 1:
        errors.add("an empty SUBTEST (simple test) must be the only SUBTEST",
                   *seen[simple])


def parse_sections(path, errors):
    """The TEST and SUBTEST sections of a source file; None if unreadable."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        errors.add(f"cannot read: {e}", path)
        return None
    sections = []
    for lines in comment_blocks(text):
        if is_doc_block(lines):
            sections += BlockParser(path, errors).parse(lines)
    return sections


def find_upwards(start, relative):
    """@relative under @start or its nearest parent that has it, or None."""
    directory = start
    while True:
        candidate = os.path.join(directory, relative)
        if os.path.exists(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def catalog_files(doc, errors):
    """The sources named by the TEST block's Scenario catalog field.

    Each comma-separated entry is a directory (all its *.c, sorted) or a
    file, relative to the source tree: it is looked up next to the test and
    then in each parent directory, so it works from any build directory.
    """
    field = doc.test.fields.get("Scenario catalog")
    if field is None:
        return []
    start = os.path.dirname(os.path.abspath(doc.path))
    files = []
    for entry in (e.strip() for e in field.text.split(",")):
        found = find_upwards(start, entry) if entry else None
        if found is None:
            errors.add(f'Scenario catalog "{entry}" not found next to the '
                       'test or in a parent directory', doc.path, field.line)
        elif os.path.isdir(found):
            files += sorted(os.path.join(found, name)
                            for name in os.listdir(found)
                            if name.endswith(".c"))
        else:
            files.append(found)
    return [os.path.relpath(path) for path in files]


def catalog_subtests(doc, errors):
    """The subtests the catalog files document, named for this binary."""
    subtests = []
    for path in catalog_files(doc, errors):
        for section in parse_sections(path, errors) or []:
            if section.kind == "TEST":
                errors.add("a scenario catalog file documents SUBTESTs "
                           "only: the TEST block is the including binary's",
                           path, section.line)
            else:
                subtests += expand_section(doc, section, errors, path)
    if "Scenario catalog" in doc.test.fields and not subtests:
        errors.add("the Scenario catalog documents no subtest", doc.path,
                   doc.test.fields["Scenario catalog"].line)
    return subtests


def variant_subtests(doc, catalog, errors):
    """The catalog's subtests once per variant, when the TEST block has any."""
    table = doc.test.variants
    if table is None:
        return catalog
    if "Scenario catalog" not in doc.test.fields:
        errors.add(f"{VARIANTS} without a Scenario catalog to expand",
                   doc.path, table.line)
    if not table.entries:
        errors.add(f"{VARIANTS} lists no variant", doc.path, table.line)
    expanded = []
    for name, text in table.entries:
        for sub in catalog:
            fields = dict(sub.fields)
            description = fields.get("Description", "")
            about = f" ({text.text})" if text.text != name else ""
            fields["Description"] = f"Variant {name}{about}: {description}"
            expanded.append(Subtest(f"{sub.name}-{name}", sub.path, sub.line,
                                    fields))
    return expanded


def parse_source(path, errors):
    doc = TestDoc(path)
    sections = parse_sections(path, errors)
    if sections is None:
        return doc
    tests = [s for s in sections if s.kind == "TEST"]
    if len(tests) != 1:
        where = tests[1].line if len(tests) > 1 else None
        errors.add(f"{len(tests)} TEST blocks, expected exactly one", path,
                   where)
        return doc
    doc.test = tests[0]
    if not doc.test.value("TEST"):
        errors.add("TEST has no title", path, doc.test.line)
    for section in sections:
        if section.kind == "SUBTEST":
            doc.subtests += expand_section(doc, section, errors)
    catalog = catalog_subtests(doc, errors)
    doc.subtests += variant_subtests(doc, catalog, errors)
    check_names(doc, errors)
    return doc


# --- Checking against the binaries -------------------------------------------

def read_testlist(path):
    with open(path, encoding="utf-8") as f:
        lines = (line.strip() for line in f)
        return [line for line in lines if line and not line.startswith("#")]


def check_testlists(docs, build_dir, errors):
    for doc in docs:
        path = os.path.join(build_dir, doc.binary + ".testlist")
        try:
            listed = read_testlist(path)
        except OSError as e:
            errors.add(f"cannot read the testlist: {e.strerror}", path)
            continue
        documented = {sub.name for sub in doc.subtests}
        for name in listed:
            if name not in documented:
                errors.add(f"Missing documentation for {name} "
                           f"(expected in {doc.path})")
        listed = set(listed)
        for sub in doc.subtests:
            if sub.name not in listed:
                errors.add(f"Unneeded documentation for {sub.name} "
                           f"({sub.path}:{sub.line})")


# --- Markdown ----------------------------------------------------------------

def plural(count, one, many):
    return f"{count} {one if count == 1 else many}"


def cell(text):
    return text.replace("|", "\\|").replace("<", "&lt;")


def markdown_test(doc):
    count = len(doc.subtests)
    simple = count == 1 and doc.subtests[0].name == f"igt@{doc.binary}"
    lines = [f"## {doc.binary}", ""]
    for name, value in doc.test.fields.items():
        label = "Test" if name == "TEST" else name
        text = value.text
        if name == VARIANTS and doc.test.variants:
            text = "; ".join(f"`{v}`: {t.text}" if t.text != v else f"`{v}`"
                             for v, t in doc.test.variants.entries)
        lines.append(f"- **{label}:** {cell(text)}")
    lines += ["", "Simple test (no subtests)." if simple else
              f"{plural(count, 'subtest', 'subtests')}.", ""]
    lines.append("| Name | " + " | ".join(TABLE_FIELDS) + " |")
    lines.append("|---" * (len(TABLE_FIELDS) + 1) + "|")
    for sub in doc.subtests:
        values = [cell(sub.fields.get(field, "")) for field in TABLE_FIELDS]
        lines.append(f"| `{sub.name}` | " + " | ".join(values) + " |")
    return lines + [""]


def markdown(docs):
    total = sum(len(doc.subtests) for doc in docs)
    lines = ["# igt-svm testplan", "",
             "Generated by `ci/testplan.py` from the doc comments of "
             "`tests/*.c` (see `docs/documenting-tests.md`); do not edit.", "",
             f"**Totals:** {plural(len(docs), 'binary', 'binaries')}, "
             f"{plural(total, 'subtest', 'subtests')}.", ""]
    for doc in docs:
        lines += markdown_test(doc)
    return "\n".join(lines)


# --- Comparing with the committed copy ---------------------------------------

def up_to_date(generated, committed):
    builddir = os.path.dirname(os.path.dirname(os.path.abspath(generated)))
    hint = (f"refresh it with `ninja -C {builddir} update-testplan` "
            "and commit it")
    with open(generated, encoding="utf-8") as f:
        new = f.read().splitlines(keepends=True)
    try:
        with open(committed, encoding="utf-8") as f:
            old = f.read().splitlines(keepends=True)
    except FileNotFoundError:
        print(f"ERROR: {committed} does not exist: {hint}.", file=sys.stderr)
        return 1
    if old == new:
        return 0
    diff = list(difflib.unified_diff(old, new, committed, generated))
    sys.stderr.writelines(diff[:60])
    if len(diff) > 60:
        print(f"... ({len(diff) - 60} more diff lines)", file=sys.stderr)
    print(f"ERROR: {committed} is out of date: {hint}.", file=sys.stderr)
    return 1


# --- Command line ------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Check subtest documentation and generate the testplan.")
    parser.add_argument("--sources", nargs="+", metavar="SRC",
                        help="test sources (tests/*.c) to read")
    parser.add_argument("--check", metavar="BUILD_TESTS_DIR",
                        help="compare with BUILD_TESTS_DIR/<bin>.testlist")
    parser.add_argument("--markdown", metavar="OUT",
                        help="write the Markdown testplan to OUT")
    parser.add_argument("--list", action="store_true",
                        help="print the documented igt@bin@subtest names")
    parser.add_argument("--up-to-date", nargs=2,
                        metavar=("GENERATED", "COMMITTED"),
                        help="fail unless COMMITTED equals GENERATED")
    args = parser.parse_args(argv)
    wants_sources = args.check or args.markdown or args.list
    if args.up_to_date and (wants_sources or args.sources):
        parser.error("--up-to-date takes no other option")
    if not args.up_to_date and not wants_sources:
        parser.error("give --check, --markdown, --list or --up-to-date")
    if wants_sources and not args.sources:
        parser.error("--check, --markdown and --list need --sources")
    return args


def main(argv):
    args = parse_args(argv)
    if args.up_to_date:
        return up_to_date(*args.up_to_date)
    errors = Errors()
    docs = [parse_source(path, errors) for path in args.sources]
    if args.check:
        check_testlists(docs, args.check, errors)
    if args.list:
        for doc in docs:
            for sub in doc.subtests:
                print(sub.name)
    for message in errors.messages:
        print(message, file=sys.stderr)
    if errors:
        return 1
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(markdown(docs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
