// Runs the built bsb-matrix binary (never a shell) on temporary matrix files.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/subprocess.h"

namespace bsb {
namespace {

const std::string kExamples = std::string(BSB_SOURCE_DIR) + "/examples/";

class MatrixCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bsb-matrix-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::filesystem::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  static SubprocessResult Run(std::vector<std::string> args, const std::string& program = BSB_MATRIX_BINARY) {
    args.insert(args.begin(), program);
    SubprocessOptions options;
    options.argv = std::move(args);
    options.timeout = std::chrono::seconds(60);
    Result<SubprocessResult> result = RunSubprocess(options);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    if (!result.ok()) return {};
    EXPECT_EQ(result->ending, SubprocessResult::Ending::kExited) << result->Describe();
    return std::move(result).value();
  }

  std::filesystem::path dir_;
};

const char* const kValid =
    "version: 1\n"
    "datasets: {digits: {images: i.gz, labels: l.gz}}\n"
    "models: [{name: fc, source: fc.tflite, dataset: digits}]\n"
    "schemes: [fp32, dynamic]\n"
    "targets:\n"
    "  - {name: x86, kind: local}\n"
    "  - {name: m4, kind: qemu-mcu, board: mps2-an386}\n";

TEST_F(MatrixCli, ValidateAcceptsAValidFile) {
  const std::string path = Write("ok.yaml", kValid);
  const SubprocessResult r = Run({"validate", path});
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_EQ(r.stdout_text, path + ": ok, 4 cells (1 unsupported)\n");
  EXPECT_EQ(r.stderr_text, "");
}

TEST_F(MatrixCli, ValidateReportsEveryProblemOnStderrWithExitCode2) {
  const std::string path = Write("bad.yaml",
                                 "version: 1\n"
                                 "defaults: {runz: 5, timeout: 5 min}\n"
                                 "models: [{name: fc, source: fc.tflite, dataset: digits}]\n"
                                 "schemes: [fp32, int9]\n"
                                 "targets: [{name: pi, kind: ssh, host: pi, password: x}]\n");
  const SubprocessResult r = Run({"validate", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.stdout_text, "");
  EXPECT_EQ(r.stderr_text,
            path + ":2:12: error: unknown key 'runz' in defaults; did you mean 'runs'?\n" +
                path + ":2:30: error: bad duration '5 min' for 'timeout' in defaults; expected a positive whole "
                       "number with a unit: 500ms, 90s, 5m or 1h\n" +
                path + ":3:49: error: model 'fc' refers to undefined dataset 'digits'; no datasets are defined\n" +
                path + ":4:17: error: unknown scheme 'int9'; did you mean 'int8'?\n" +
                path + ":5:43: error: 'password' looks like a secret; secrets never live in the matrix file (use "
                       "ssh-agent, an identity file or ~/.ssh/config)\n");
}

TEST_F(MatrixCli, MissingFileIsExitCode2) {
  const SubprocessResult r = Run({"validate", (dir_ / "absent.yaml").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.stderr_text.find("absent.yaml: error: cannot read the matrix file"), std::string::npos) << r.stderr_text;
}

TEST_F(MatrixCli, HostileYamlFailsPromptlyWithExitCode2) {
  const SubprocessResult comma = Run({"validate", Write("comma.yaml", ", x\n")});
  EXPECT_EQ(comma.exit_code, 2);
  EXPECT_NE(comma.stderr_text.find("comma.yaml:1:1: error: YAML syntax"), std::string::npos) << comma.stderr_text;
  const SubprocessResult deep = Run({"plan", Write("deep.yaml", "models: " + std::string(100000, '[') + "\n")});
  EXPECT_EQ(deep.exit_code, 2);
  EXPECT_NE(deep.stderr_text.find("nest deeper than 32 levels"), std::string::npos) << deep.stderr_text;
}

TEST_F(MatrixCli, UnknownFlagsAndMissingArgumentsAreExitCode2) {
  const std::string path = Write("ok.yaml", kValid);
  EXPECT_EQ(Run({"plan", path, "--jsn"}).exit_code, 2);
  EXPECT_EQ(Run({"validate", "--strict", path}).exit_code, 2);
  EXPECT_EQ(Run({"validate"}).exit_code, 2);
  EXPECT_EQ(Run({"plan", path, "--only", "board=x"}).exit_code, 2);
}

TEST_F(MatrixCli, HelpOnEverySubcommandIsExitCode0) {
  for (const char* command : {"validate", "plan", "schema"}) {
    const SubprocessResult r = Run({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.stdout_text.find(std::string("bsb-matrix ") + command), std::string::npos) << r.stdout_text;
  }
  const SubprocessResult version = Run({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.stdout_text.rfind("bsb-matrix ", 0), 0u) << version.stdout_text;
}

TEST_F(MatrixCli, PlanJsonHasTheDocumentedShape) {
  const std::string path = Write("ok.yaml", kValid);
  const SubprocessResult r = Run({"plan", path, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  const nlohmann::json plan = nlohmann::json::parse(r.stdout_text);
  EXPECT_EQ(plan["matrix"], "ok");
  EXPECT_EQ(plan["file"], path);
  EXPECT_EQ(plan["summary"], nlohmann::json({{"cells", 4}, {"unsupported", 1}}));
  ASSERT_EQ(plan["cells"].size(), 4u);
  for (const nlohmann::json& cell : plan["cells"]) {
    for (const char* key : {"id", "model", "scheme", "target", "axes", "status", "reason", "settings"}) {
      EXPECT_TRUE(cell.contains(key)) << key;
    }
    EXPECT_EQ(cell["id"].get<std::string>().size(), 12u);
    EXPECT_EQ(cell["status"] == "unsupported", cell["scheme"] == "dynamic" && cell["target"] == "m4");
  }
  // The pinned id of fc/fp32/x86 with no axes, computed with python3 hashlib (see cell_id_test.cc):
  // sha256('{"axes":{},"model":"fc","scheme":"fp32","target":"x86"}')[:12].
  EXPECT_EQ(plan["cells"][0]["id"], "0acf1017f903");
}

TEST_F(MatrixCli, PlanOnlyFiltersAndTheTableListsReasons) {
  const std::string path = Write("ok.yaml", kValid);
  const SubprocessResult json = Run({"plan", path, "--json", "--only", "target=m4"});
  ASSERT_EQ(json.exit_code, 0) << json.stderr_text;
  EXPECT_EQ(nlohmann::json::parse(json.stdout_text)["cells"].size(), 2u);
  const SubprocessResult table = Run({"plan", path});
  ASSERT_EQ(table.exit_code, 0);
  EXPECT_NE(table.stdout_text.find("unsupported (microcontroller targets (qemu-mcu) cannot run dynamic"),
            std::string::npos)
      << table.stdout_text;
  EXPECT_NE(table.stdout_text.find("4 cells (1 unsupported)\n"), std::string::npos);
}

TEST_F(MatrixCli, PlanIsIdenticalAcrossRuns) {
  const SubprocessResult first = Run({"plan", "--json", kExamples + "full.yaml"});
  const SubprocessResult second = Run({"plan", "--json", kExamples + "full.yaml"});
  ASSERT_EQ(first.exit_code, 0) << first.stderr_text;
  EXPECT_EQ(first.stdout_text, second.stdout_text);
}

TEST_F(MatrixCli, TheExamplesValidate) {
  for (const char* name : {"quickstart.yaml", "full.yaml"}) {
    const SubprocessResult r = Run({"validate", kExamples + name});
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.stderr_text;
    EXPECT_NE(r.stdout_text.find(": ok, "), std::string::npos) << r.stdout_text;
  }
}

// The JSON Schema from `bsb-matrix schema`, checked by a real validator (python3-jsonschema,
// YAML read by python3-yaml): both examples pass, a broken file does not.
TEST_F(MatrixCli, SchemaAcceptsTheExamplesAndRejectsABrokenFile) {
  const SubprocessResult schema = Run({"schema"});
  ASSERT_EQ(schema.exit_code, 0);
  const std::string schema_path = Write("schema.json", schema.stdout_text);
  const std::string broken = Write("broken.yaml", std::string(kValid) + "gate: {accuracy_drop: 0.02}\n");
  const std::string script =
      "import json, sys, yaml, jsonschema\n"
      "schema = json.load(open(sys.argv[1]))\n"
      "jsonschema.validators.validator_for(schema).check_schema(schema)\n"
      "validator = jsonschema.validators.validator_for(schema)(schema)\n"
      "for path in sys.argv[2:]:\n"
      "    errors = list(validator.iter_errors(yaml.safe_load(open(path))))\n"
      "    print(path, 'valid' if not errors else 'invalid: ' + errors[0].message)\n";
  const std::string script_path = Write("check.py", script);
  const SubprocessResult r = Run({script_path, schema_path, kExamples + "quickstart.yaml", kExamples + "full.yaml", broken},
                                 "python3");
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_EQ(r.stdout_text, kExamples + "quickstart.yaml valid\n" + kExamples + "full.yaml valid\n" + broken +
                               " invalid: Additional properties are not allowed ('gate' was unexpected)\n");
}

}  // namespace
}  // namespace bsb
