# Shared by the benchmarks: iperf3 medians and a bare veth pair to compare against.

# gbps NS_SERVER NS_CLIENT ADDR → median of 3 iperf3 TCP runs in Gbit/s (a 2-core machine is
# noisy); uses $secs.
gbps() {
  for _ in 1 2 3; do
    ip netns exec "$1" iperf3 -s -1 -D -p 5201 >/dev/null
    sleep 0.3
    ip netns exec "$2" iperf3 -c "$3" -p 5201 -t "$secs" -J |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9)'
  done | sort -g | sed -n 2p | xargs printf '%.2f\n'
}

# bare_veth A B: two namespaces joined by one veth pair (192.0.2.1 in A, 192.0.2.2 in B).
bare_veth() {
  ip netns add "$1"
  ip netns add "$2"
  ip -n "$1" link add eth0 type veth peer name eth0 netns "$2"
  ip -n "$1" addr add 192.0.2.1/24 dev eth0
  ip -n "$2" addr add 192.0.2.2/24 dev eth0
  ip -n "$1" link set eth0 up
  ip -n "$2" link set eth0 up
}
