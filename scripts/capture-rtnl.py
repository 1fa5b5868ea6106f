#!/usr/bin/env python3
"""capture-rtnl.py - capture rtnetlink dumps for tests/unit/test_rtnl.c.

Creates a network namespace holding known state (below), re-runs itself
inside it with `ip netns exec`, sends the RTM_GETLINK, RTM_GETADDR and
RTM_GETROUTE dump requests spoor sends (lib/rtnl.c: zeroed family
header, NLM_F_REQUEST | NLM_F_DUMP, sequence number SEQ) and writes each
received buffer as one hex line to OUTDIR/{links,addrs,routes}.hex.

Usage (root): scripts/capture-rtnl.py tests/unit/data/rtnl
"""
import os
import socket
import struct
import subprocess
import sys

NS = "spoor-rtnl-capture"
SEQ = 0x47000001
SETUP = [
    "link set lo up",
    "link add veth0 address 02:00:00:00:00:01 mtu 1400 type veth peer name peer0 "
    "address 02:00:00:00:00:02",
    "link set veth0 up",
    "link set peer0 up",
    "addr add 10.1.2.3/24 brd + dev veth0",
    "addr add 10.9.9.9/32 dev veth0 label veth0:1",
    "addr add 10.7.0.1 peer 10.7.0.2/32 dev veth0",
    "addr add 2001:db8::5/64 dev veth0 nodad",
    "route add 198.51.100.0/24 via 10.1.2.1 dev veth0 metric 7 mtu 1300 hoplimit 9",
    "route add blackhole 203.0.113.0/24",
    "-6 route add 2001:db8:1::/48 via 2001:db8::1 dev veth0 metric 5",
    "neigh add 10.1.2.50 lladdr 02:00:00:00:00:50 dev veth0",
]
# RTM_GETLINK = 18, RTM_GETADDR = 22, RTM_GETROUTE = 26; header sizes:
# ifinfomsg 16, ifaddrmsg 8, rtmsg 12
DUMPS = [("links", 18, 16), ("addrs", 22, 8), ("routes", 26, 12)]


def dump(outdir):
    for name, mtype, body in DUMPS:
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)  # NETLINK_ROUTE
        req = struct.pack("=IHHII", 16 + body, mtype, 0x301, SEQ, 0) + bytes(body)
        s.sendto(req, (0, 0))
        lines = []
        done = False
        while not done:
            buf = s.recv(1 << 20)
            lines.append(buf.hex())
            off = 0
            while off + 16 <= len(buf):
                ln, ty = struct.unpack_from("=IH", buf, off)
                if ty in (2, 3):  # NLMSG_ERROR, NLMSG_DONE
                    done = True
                off += (ln + 3) & ~3
        s.close()
        with open(os.path.join(outdir, name + ".hex"), "w") as f:
            f.write("\n".join(lines) + "\n")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--inside":
        dump(sys.argv[2])
        return
    outdir = os.path.abspath(sys.argv[1])
    subprocess.run(["ip", "netns", "del", NS], stderr=subprocess.DEVNULL)
    subprocess.run(["ip", "netns", "add", NS], check=True)
    try:
        for cmd in SETUP:
            args = cmd.split()
            if args[0] == "-6":
                args = ["-6"] + args[1:]
            subprocess.run(["ip", "-n", NS] + args, check=True)
        subprocess.run(["ip", "netns", "exec", NS, sys.executable,
                        os.path.abspath(__file__), "--inside", outdir], check=True)
        with open(os.path.join(outdir, "manifest.txt"), "w") as f:
            f.write("# state of the capture namespace (scripts/capture-rtnl.py)\n")
            for argv in (["-d", "link"], ["addr"], ["route", "show", "table", "all"],
                         ["-6", "route", "show", "table", "all"]):
                out = subprocess.run(["ip", "-n", NS] + argv, check=True,
                                     capture_output=True, text=True).stdout
                f.write("$ ip " + " ".join(argv) + "\n" + out)
    finally:
        subprocess.run(["ip", "netns", "del", NS])


if __name__ == "__main__":
    main()
