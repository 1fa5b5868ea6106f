#!/usr/bin/env python3
"""Capture the kernel's NETLINK_SOCK_DIAG answers for known sockets, as test
data for tests/unit/test_sockdiag.c.

usage: unshare -n scripts/capture-sockdiag.py OUTDIR

Run it in a fresh network namespace (unshare -n, as root) so the dumps
hold only the sockets this script creates:
  tcp4: a listener on 127.0.0.1:41001 and a connection to it (client and
        accepted ends);
  tcp6: a listener on [::1]:41002;
  udp4: a socket bound to 0.0.0.0:41003;
  udp6: a socket bound to [::]:41005, and one bound to [::]:41004 and
        connected to [::1]:41005;
  unix: a listener bound to /tmp/spoor-sockdiag-<pid>.sock, an abstract
        listener "\\0spoor\\0abs" and an unnamed socketpair;
  packet: an AF_PACKET SOCK_RAW socket bound to ETH_P_ALL;
  raw4: the dump of IPPROTO_RAW (an NLMSG_ERROR on kernels without
        raw_diag).
Each dump is written to OUTDIR/<name>.hex, one received buffer per line in
hex, and OUTDIR/manifest.txt lists the sockets' inodes and addresses, so
the test's expected values can be checked against it by hand.
"""
import os
import socket
import struct
import subprocess
import sys

NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST = 1
NLM_F_DUMP = 0x300
SEQ = 0x5D000001
ETH_P_ALL = 3


def inet_req(family, protocol, states):
    sockid = b'\0' * 48
    return struct.pack('<BBBBI', family, protocol, 0, 0, states) + sockid


def unix_req(states, show):
    return struct.pack('<BBHIIIII', socket.AF_UNIX, 0, 0, states, 0, show, 0, 0)


def packet_req():
    return struct.pack('<BBHIIII', socket.AF_PACKET, 0, 0, 0, 0, 0, 0)


def dump(body):
    nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG)
    msg = struct.pack('<IHHII', 16 + len(body), SOCK_DIAG_BY_FAMILY,
                      NLM_F_REQUEST | NLM_F_DUMP, SEQ, 0) + body
    nl.sendto(msg, (0, 0))
    bufs = []
    while True:
        data = nl.recv(65536)
        bufs.append(data)
        off, done = 0, False
        while off + 16 <= len(data):
            ln, typ = struct.unpack_from('<IH', data, off)
            if typ in (1, 2, 3):  # NOOP, ERROR, DONE
                done = typ != 1
            off += (ln + 3) & ~3
        if done:
            break
    nl.close()
    return bufs


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    subprocess.run(['ip', 'link', 'set', 'lo', 'up'], check=True)
    keep = []
    manifest = []

    def note(what, s):
        manifest.append('%s inode=%d' % (what, os.fstat(s.fileno()).st_ino))

    l4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    l4.bind(('127.0.0.1', 41001))
    l4.listen(4)
    c4 = socket.create_connection(('127.0.0.1', 41001))
    a4, _ = l4.accept()
    keep += [l4, c4, a4]
    note('tcp4 listen 127.0.0.1:41001', l4)
    note('tcp4 client %s:%d -> 127.0.0.1:41001' % c4.getsockname(), c4)
    note('tcp4 accepted 127.0.0.1:41001 -> %s:%d' % a4.getpeername(), a4)

    l6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    l6.bind(('::1', 41002))
    l6.listen(4)
    keep.append(l6)
    note('tcp6 listen [::1]:41002', l6)

    u4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u4.bind(('0.0.0.0', 41003))
    keep.append(u4)
    note('udp4 0.0.0.0:41003', u4)

    u6b = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u6b.bind(('::', 41005))
    u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u6.bind(('::', 41004))
    u6.connect(('::1', 41005))
    keep += [u6b, u6]
    note('udp6 [::]:41005', u6b)
    note('udp6 [::]:41004 -> [::1]:41005', u6)

    path = '/tmp/spoor-sockdiag-%d.sock' % os.getpid()
    ux = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ux.bind(path)
    ux.listen(1)
    ab = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ab.bind(b'\0spoor\0abs')
    p1, p2 = socket.socketpair()
    keep += [ux, ab, p1, p2]
    note('unix stream listen %s' % path, ux)
    note('unix dgram abstract @spoor@abs', ab)
    note('unix socketpair end 1', p1)
    note('unix socketpair end 2', p2)

    pk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    keep.append(pk)
    note('packet raw ETH_P_ALL', pk)

    dumps = {
        'tcp4': inet_req(socket.AF_INET, socket.IPPROTO_TCP, 0xFFF & ~(1 << 7) & ~1),
        'tcp6': inet_req(socket.AF_INET6, socket.IPPROTO_TCP, 0xFFF & ~(1 << 7) & ~1),
        'udp4': inet_req(socket.AF_INET, socket.IPPROTO_UDP, 0xFFFFFFFF),
        'udp6': inet_req(socket.AF_INET6, socket.IPPROTO_UDP, 0xFFFFFFFF),
        'unix': unix_req(0xFFFFFFFF, 1),
        'packet': packet_req(),
        'raw4': inet_req(socket.AF_INET, socket.IPPROTO_RAW, 0xFFFFFFFF),
    }
    for name, body in dumps.items():
        with open(os.path.join(out, name + '.hex'), 'w') as f:
            for b in dump(body):
                f.write(b.hex() + '\n')
    with open(os.path.join(out, 'manifest.txt'), 'w') as f:
        f.write('seq=0x%08x\n' % SEQ)
        f.write('\n'.join(manifest) + '\n')
    os.unlink(path)


if __name__ == '__main__':
    main()
