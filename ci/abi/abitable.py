# SPDX-License-Identifier: MIT
"""Vocabulary of the ABI tables in this directory (used by ci/abi-check).

A table lists what one of our include/uapi headers declares and which real
headers declare the same names.  Each item may carry the numbers the
project's reference notes give (size, offset:size, encoded ioctl, value):
those are checked against *our* header even when no real header has the
item yet (6.18+ xe, the amdgpu RFC).

Field specs are whitespace-separated tokens:

    name              field, no reference numbers
    name@off:size     with the offset and size the reference gives
    a.b@off:size      member of a named nested struct/union
    name[]@off:elem   flexible array: offset and element size
    ...+6.15          first kernel that has it ('>6.12' = after 6.12)
    ...!              appending it grew the struct: an older header's
                      sizeof and ioctl size are not compared
"""
import re

_FIELD = re.compile(r'^(?P<name>[A-Za-z_][\w.]*)(?P<flex>\[\])?'
                    r'(?:@(?P<off>\d+):(?P<size>\d+))?'
                    r'(?:\+(?P<since>>?\d+\.\d+))?(?P<grows>!)?$')


def parse_since(text):
    """'6.15' -> ('>=', (6, 15)); '>6.12' -> ('>', (6, 12)); None -> None.
    A word ('rfc', 'ours', 'v5', ...) -> ('never', word): in no real header
    we check (an RFC, our own helper, an old numbering)."""
    if text is None:
        return None
    m = re.match(r'^(>?)(\d+)\.(\d+)$', text)
    if not m:
        return ('never', text)
    return ('>' if m[1] else '>=', (int(m[2]), int(m[3])))


def since_text(since):
    if since is None:
        return 'always'
    if since[0] == 'never':
        return since[1]
    return '%s%d.%d' % ('>' if since[0] == '>' else '', *since[1])


def since_allows(since, version):
    """Should a header of kernel `version` (tuple or None) have an item?
    None = unknown version: only 'never' items are known to be absent."""
    if since is None:
        return True
    op, ver = since
    if op == 'never':
        return False
    if version is None:
        return True
    return version > ver if op == '>' else version >= ver


class Field:
    def __init__(self, token):
        m = _FIELD.match(token)
        if not m:
            raise ValueError('bad field spec %r' % token)
        self.name = m['name']
        self.flex = bool(m['flex'])
        self.off = int(m['off']) if m['off'] else None
        self.size = int(m['size']) if m['size'] else None
        self.since = parse_since(m['since'])
        self.grows = bool(m['grows'])


class Struct:
    def __init__(self, name, size=None, fields='', since=None):
        self.name = name
        self.size = size
        self.fields = [Field(t) for t in fields.split()]
        self.since = parse_since(since)


class Ioctl:
    def __init__(self, name, encoded=None, struct=None, since=None):
        self.name = name
        self.encoded = encoded
        self.struct = struct      # its argument struct, if it may grow
        self.since = parse_since(since)


class Const:
    def __init__(self, expr, value=None, since=None):
        self.expr = expr
        self.value = value
        self.since = parse_since(since)


class Table:
    """ours: header path relative to the source root.
    theirs: {provider kind: [header paths inside that provider]}."""

    def __init__(self, name, ours, theirs, structs=(), ioctls=(), consts=(),
                 note=None):
        self.name = name
        self.ours = ours
        self.theirs = theirs
        self.structs = list(structs)
        self.ioctls = list(ioctls)
        self.consts = list(consts)
        self.note = note
