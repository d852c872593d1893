#include "orchestrator/target_mapping.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace bsb {
namespace {

AgentBuilds Agents() { return {{"x86_64", {std::string(64, 'a'), "/cache/objects/aaa"}}}; }

TEST(TargetMappingTest, LocalAndQemuUserKeepNameAgentsAndCache) {
  matrix::Target local{"x86", "local", 1, matrix::LocalTarget{}, {}};
  auto configs = MapTarget(local, Agents(), "/cache");
  ASSERT_TRUE(configs.ok()) << configs.error().message;
  ASSERT_EQ(configs->size(), 1u);
  EXPECT_EQ((*configs)[0].name, "x86");
  EXPECT_EQ((*configs)[0].kind, "local");
  EXPECT_EQ((*configs)[0].cache_dir, "/cache");
  EXPECT_EQ((*configs)[0].agents.at("x86_64").local_path, "/cache/objects/aaa");

  matrix::Target emu{"arm64-emu", "qemu-user", 1, matrix::QemuUserTarget{"aarch64"}, {}};
  configs = MapTarget(emu, Agents(), "/cache");
  ASSERT_TRUE(configs.ok());
  EXPECT_EQ((*configs)[0].arch, "aarch64");
}

TEST(TargetMappingTest, SshFieldsAndAPoolGiveOneDevicePerHost) {
  setenv("HOME", "/home/tester", 1);
  matrix::SshTarget ssh;
  ssh.pool = {"pi1", "pi2"};
  ssh.user = "pi";
  ssh.port = 2222;
  ssh.identity = "~/.ssh/id_ed25519";
  ssh.host_key = "accept-new";
  ssh.connect_timeout_ms = 1500;  // libssh takes whole seconds: rounded up, never to 0
  ssh.keepalive_ms = 0;
  matrix::Target pool{"pis", "ssh", 1, ssh, {}};
  auto configs = MapTarget(pool, Agents(), "/cache");
  ASSERT_TRUE(configs.ok()) << configs.error().message;
  ASSERT_EQ(configs->size(), 2u);
  EXPECT_EQ((*configs)[0].name, "pis@pi1");
  EXPECT_EQ((*configs)[1].ssh.host, "pi2");
  const targets::SshConfig& c = (*configs)[0].ssh;
  EXPECT_EQ(c.user, "pi");
  EXPECT_EQ(c.port, 2222);
  EXPECT_EQ(c.identity, "/home/tester/.ssh/id_ed25519");
  EXPECT_EQ(c.host_key, targets::HostKeyPolicy::kAcceptNew);
  EXPECT_EQ(c.connect_timeout_s, 2);
  EXPECT_EQ(c.keepalive_s, 0);
  EXPECT_EQ(c.workdir, ".cache/bsb-matrix");  // the target's default when the matrix says nothing

  ssh.pool.clear();
  ssh.host = "graviton";
  ssh.host_key = "strict";
  configs = MapTarget({"graviton", "ssh", 1, ssh, {}}, Agents(), "/cache");
  ASSERT_TRUE(configs.ok());
  ASSERT_EQ(configs->size(), 1u);
  EXPECT_EQ((*configs)[0].name, "graviton");
  EXPECT_EQ((*configs)[0].ssh.host_key, targets::HostKeyPolicy::kStrict);
}

TEST(TargetMappingTest, QemuMcuBootsTheBoardsFirmwareWithTheMatrixBudget) {
  const std::string dir = ::testing::TempDir() + "/bsb-mapping-firmware";
  std::filesystem::create_directories(dir);
  std::ofstream(FirmwarePath(dir, "mps2-an386")) << "ELF";
  matrix::QemuMcuTarget spec{"mps2-an386", {2 << 20, 640 << 10}};
  auto configs = MapTarget({"m4-emu", "qemu-mcu", 1, spec, {}}, Agents(), "/cache", dir);
  ASSERT_TRUE(configs.ok()) << configs.error().message;
  ASSERT_EQ(configs->size(), 1u);
  const targets::TargetConfig& c = (*configs)[0];
  EXPECT_EQ(c.kind, "qemu-mcu");
  EXPECT_EQ(c.mcu.board, "mps2-an386");
  EXPECT_EQ(c.mcu.firmware, dir + "/bsb-firmware-mps2-an386.elf");
  EXPECT_EQ(c.mcu.budget_flash_bytes, 2u << 20);
  EXPECT_EQ(c.mcu.budget_ram_bytes, 640u << 10);
}

TEST(TargetMappingTest, QemuMcuWithoutAFirmwareBuildNamesTheTargetAndThePath) {
  auto configs = MapTarget({"m4-emu", "qemu-mcu", 1, matrix::QemuMcuTarget{"mps2-an386", {}}, {}}, Agents(), "/cache",
                           "/nonexistent/mcu");
  ASSERT_FALSE(configs.ok());
  EXPECT_NE(configs.error().message.find("'m4-emu'"), std::string::npos) << configs.error().message;
  EXPECT_NE(configs.error().message.find("/nonexistent/mcu/bsb-firmware-mps2-an386.elf"), std::string::npos);
}

TEST(TargetMappingTest, SerialCarriesPortBaudBoardAndFlashCommand) {
  matrix::SerialTarget spec{"/dev/ttyACM0", 921600, "nucleo-l4r5zi", "st-flash write {firmware} 0x8000000", {0, 655360}};
  auto configs = MapTarget({"nucleo", "serial", 1, spec, {}}, Agents(), "/cache", "/fw");
  ASSERT_TRUE(configs.ok()) << configs.error().message;
  const targets::TargetConfig& c = (*configs)[0];
  EXPECT_EQ(c.kind, "serial");
  EXPECT_EQ(c.mcu.port, "/dev/ttyACM0");
  EXPECT_EQ(c.mcu.baud, 921600);
  EXPECT_EQ(c.mcu.board, "nucleo-l4r5zi");
  EXPECT_EQ(c.mcu.flash_command, "st-flash write {firmware} 0x8000000");
  EXPECT_EQ(c.mcu.firmware, "/fw/bsb-firmware-nucleo-l4r5zi.elf");
  EXPECT_EQ(c.mcu.budget_flash_bytes, 0u) << "0: the board profile's";
  EXPECT_EQ(c.mcu.budget_ram_bytes, 655360u);
}

TEST(TargetMappingTest, ExpandHomeOnlyTouchesALeadingTilde) {
  setenv("HOME", "/home/tester", 1);
  EXPECT_EQ(ExpandHome("~/k"), "/home/tester/k");
  EXPECT_EQ(ExpandHome("/abs/~/k"), "/abs/~/k");
  EXPECT_EQ(ExpandHome("~user/k"), "~user/k");
  EXPECT_EQ(ExpandHome(""), "");
}

}  // namespace
}  // namespace bsb
