#!/usr/bin/env python3
"""Print a C skeleton (column enum + column_spec array) for an osquery table,
from ../shared/reference/osquery-linux-tables.json. An authoring aid only:
the C spec in tables/ is the source of truth once written, and
tests/unit/test_schema.c checks it against the reference.

usage: scripts/spec_skeleton.py TABLE PREFIX
"""
import json
import os
import sys

REF = os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'reference',
                   'osquery-linux-tables.json')
TYPES = {'TEXT': 'COL_TEXT', 'INTEGER': 'COL_INTEGER', 'BIGINT': 'COL_BIGINT',
         'UNSIGNED BIGINT': 'COL_UNSIGNED_BIGINT', 'DOUBLE': 'COL_DOUBLE', 'BLOB': 'COL_BLOB'}


def main():
    name, prefix = sys.argv[1], sys.argv[2]
    tables = {t['name']: t for t in json.load(open(REF))['tables']}
    t = tables[name]
    print('enum {')
    for c in t['columns']:
        print('\t%s_%s,' % (prefix, c['name'].upper()))
    print('};\n')
    print('static const struct column_spec %s_cols[] = {' % name)
    for c in t['columns']:
        fl = []
        if c['index']:
            fl.append('COLF_INDEX')
        if c['required']:
            fl.append('COLF_REQUIRED')
        if c['hidden_on_linux']:
            fl.append('COLF_HIDDEN')
        if c['additional']:
            fl.append('COLF_ADDITIONAL')
        if c['optimized']:
            fl.append('COLF_OPTIMIZED')
        if not c['linux_native']:
            fl.append('COLF_OTHER_OS')
        extra = ''
        if c.get('collate'):
            extra += ', .collate = COLLATE_%s' % c['collate']
        if c.get('aliases'):
            extra += ', .alias = "%s"' % c['aliases'][0]
        print('\t[%s_%s] = { "%s", %s, %s%s,\n\t\t.help = "%s" },' % (
            prefix, c['name'].upper(), c['name'], TYPES[c['type']],
            ' | '.join(fl) or '0', extra, c['description'].replace('"', '\\"')))
    print('};')
    if t.get('aliases'):
        print('/* table aliases: %s */' % ', '.join(t['aliases']))


if __name__ == '__main__':
    main()
