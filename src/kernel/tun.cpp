// TUN devices through /dev/net/tun, configured with the classic interface ioctls.
#include "kernel/tun.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace vpcemu {

Result<Fd> tun_open(const std::string& name, uint32_t mtu) {
  auto fail = [&](const std::string& step) { return Error{errno, step, "TUN device " + name, ""}; };
  if (name.size() >= IFNAMSIZ) return Error{EINVAL, "TUN device", name, "name too long"};
  Fd fd(open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return fail("open /dev/net/tun");
  ifreq ifr{};
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (ioctl(fd.get(), TUNSETIFF, &ifr) < 0) return fail("TUNSETIFF");
  Fd s(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!s.valid()) return fail("socket");
  ifr.ifr_mtu = static_cast<int>(mtu);
  if (ioctl(s.get(), SIOCSIFMTU, &ifr) < 0) return fail("set MTU");
  if (ioctl(s.get(), SIOCGIFFLAGS, &ifr) < 0) return fail("get flags");
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
  if (ioctl(s.get(), SIOCSIFFLAGS, &ifr) < 0) return fail("bring up");
  return fd;
}

}  // namespace vpcemu
