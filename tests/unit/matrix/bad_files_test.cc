// The table of broken matrix files in tests/data/matrix/bad/: each holds one problem and must
// produce exactly one message, with its FILE:LINE:COL and wording (and "did you mean" where a
// near miss exists). five_problems.yaml must produce all five at once.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "matrix/loader.h"

namespace bsb::matrix {
namespace {

const std::filesystem::path kBadDir = std::filesystem::path(BSB_SOURCE_DIR) / "tests/data/matrix/bad";

struct BadFile {
  const char* name;
  const char* message;  // everything after "PATH:"
};

const BadFile kBadFiles[] = {
    {"unknown_top_key.yaml", "9:1: error: unknown key 'gate' in the top level of the matrix; did you mean 'gates'?"},
    {"unknown_model_key.yaml", "8:5: error: unknown key 'calibraton' in model 'fc'; did you mean 'calibration'?"},
    {"unknown_target_key.yaml", "8:39: error: unknown key 'usr' in target 'pi4' (kind ssh); did you mean 'user'?"},
    {"foreign_target_key.yaml",
     "8:30: error: key 'arch' does not apply to target 'x86' (kind local) (it is for targets of kind qemu-user)"},
    {"wrong_type_integer.yaml", "4:30: error: 'runs' in defaults must be an integer from 1 to 10000000, got 'many'"},
    {"wrong_type_list.yaml", "5:3: error: 'models' must be a list of models, got a mapping"},
    {"unknown_scheme.yaml", "6:17: error: unknown scheme 'int8_only'; did you mean 'int8-only'?"},
    {"unknown_scheme_no_hint.yaml",
     "6:17: error: unknown scheme 'bf16'; expected fp32, float16, dynamic, int8, int8-only, int16x8 or int16x8-only"},
    {"duplicate_model.yaml", "6:5: error: duplicate model name 'fc' (first defined at line 5)"},
    {"duplicate_target.yaml", "9:5: error: duplicate target name 'x86' (first defined at line 8)"},
    {"duplicate_key.yaml", "9:1: error: duplicate key 'schemes' in the top level of the matrix (first at line 6)"},
    {"undefined_dataset.yaml", "5:44: error: model 'fc' refers to undefined dataset 'digit'; did you mean 'digits'?"},
    {"undefined_target.yaml", "10:14: error: this exclude entry refers to undefined target 'arm64'; defined: x86"},
    {"undefined_model.yaml",
     "10:13: error: this include entry refers to undefined model 'fc-smal'; did you mean 'fc-small'?"},
    {"bad_duration.yaml",
     "4:21: error: bad duration '5 minutes' for 'timeout' in defaults; expected a positive whole number with a "
     "unit: 500ms, 90s, 5m or 1h"},
    {"bad_size.yaml",
     "8:67: error: bad size '2MB' for 'flash' in the budget of target 'm4' (kind qemu-mcu); expected bytes or a "
     "whole number with KiB, MiB or GiB (e.g. 640KiB, 2MiB)"},
    {"empty_axis.yaml", "11:10: error: axis 'batch' has no values; give at least one or remove it"},
    {"empty_schemes.yaml",
     "6:10: error: 'schemes' must list at least one of fp32, float16, dynamic, int8, int8-only, int16x8 or "
     "int16x8-only"},
    {"missing_qemu_user_arch.yaml", "8:5: error: target 'arm64-emu' (kind qemu-user) needs 'arch' (aarch64 or armv7)"},
    {"missing_ssh_host.yaml",
     "8:5: error: target 'pi4' (kind ssh) needs exactly one of 'host' (one device) or 'pool' (identical devices)"},
    {"missing_serial_port.yaml",
     "8:5: error: target 'nucleo' (kind serial) needs 'port' (the serial device, e.g. /dev/ttyACM0)"},
    {"missing_mcu_board.yaml", "8:5: error: target 'm4-emu' (kind qemu-mcu) needs 'board' (e.g. mps2-an386)"},
    {"missing_target_kind.yaml",
     "8:5: error: missing required key 'kind' in target 'x86' (one of local, qemu-user, ssh, serial or qemu-mcu)"},
    {"password.yaml",
     "12:5: error: 'password' looks like a secret; secrets never live in the matrix file (use ssh-agent, an "
     "identity file or ~/.ssh/config)"},
    {"unknown_kind.yaml", "8:29: error: unknown target kind 'qemu-usr'; did you mean 'qemu-user'?"},
    {"bad_version.yaml", "1:10: error: unsupported version '2'; this bsb-matrix reads version 1"},
    {"yaml_syntax.yaml", "7:8: error: YAML syntax: end of sequence flow not found"},
    {"url_without_sha256.yaml", "5:24: error: the source of model 'fc' is a URL and needs a 'sha256' pin beside it"},
    {"invalid_utf8.yaml", "9:19: error: a value of axis 'batch' is not valid UTF-8"},
    {"include_no_match.yaml",
     "11:5: error: this include entry matches no cell, and to add a new one it needs 'model', 'scheme' and "
     "'target'"},
};

class BadFileTest : public ::testing::TestWithParam<BadFile> {};

TEST_P(BadFileTest, ReportsExactlyOneProblemWithItsPosition) {
  const std::string path = (kBadDir / GetParam().name).string();
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  const Result<Plan> plan = LoadPlan(path);
  ASSERT_FALSE(plan.ok()) << path << " was accepted";
  EXPECT_EQ(plan.error().code, ExitCode::kInvalidInput);
  EXPECT_EQ(plan.error().message, path + ":" + GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(Table, BadFileTest, ::testing::ValuesIn(kBadFiles),
                         [](const ::testing::TestParamInfo<BadFile>& param_info) {
                           std::string name = std::filesystem::path(param_info.param.name).stem().string();
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

TEST(BadFiles, EveryFileInTheFolderIsInTheTable) {
  std::set<std::string> listed;
  for (const BadFile& bad : kBadFiles) listed.insert(bad.name);
  listed.insert("five_problems.yaml");
  for (const auto& entry : std::filesystem::directory_iterator(kBadDir)) {
    EXPECT_EQ(listed.count(entry.path().filename().string()), 1u) << entry.path() << " has no expected message";
  }
}

TEST(BadFiles, FiveProblemsGiveFiveMessagesAtOnceInFileOrder) {
  const std::string path = (kBadDir / "five_problems.yaml").string();
  const Result<Plan> plan = LoadPlan(path);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().message,
            path + ":2:32: error: bad duration '5 min' for 'timeout' in defaults; expected a positive whole number "
                   "with a unit: 500ms, 90s, 5m or 1h\n" +
                path + ":6:44: error: model 'fc' refers to undefined dataset 'digts'; did you mean 'digits'?\n" +
                path + ":7:17: error: unknown scheme 'int9'; did you mean 'int8'?\n" +
                path + ":9:30: error: unknown key 'hots' in target 'x86' (kind local); expected name, kind or "
                       "concurrency\n" +
                path + ":10:39: error: 'passphrase' looks like a secret; secrets never live in the matrix file (use "
                       "ssh-agent, an identity file or ~/.ssh/config)");
}

TEST(BadFiles, AMissingFileIsAnInputErrorNamingIt) {
  const Result<Plan> plan = LoadPlan("/nonexistent/matrix.yaml");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, ExitCode::kInvalidInput);
  EXPECT_EQ(plan.error().message.rfind("/nonexistent/matrix.yaml: error: cannot read the matrix file", 0), 0u)
      << plan.error().message;
}

}  // namespace
}  // namespace bsb::matrix
