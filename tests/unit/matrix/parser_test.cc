// Parsing valid files into the typed model, and problems that need inline YAML (limits,
// secrets anywhere, required fields per target kind, several problems in one file).
#include <gtest/gtest.h>

#include <filesystem>

#include "matrix/loader.h"
#include "tests/unit/matrix/matrix_test_util.h"

namespace bsb::matrix {
namespace {

using testing::ErrorsOf;
using testing::kDatasetsYaml;
using testing::Parse;

const std::string kModelsYaml =
    "models:\n"
    "  - {name: fc, source: fc.tflite, dataset: digits}\n"
    "schemes: [fp32, int8]\n";

TEST(ParseExamples, QuickstartAndFullValidate) {
  for (const char* name : {"quickstart.yaml", "full.yaml"}) {
    const std::string path = std::string(BSB_SOURCE_DIR) + "/examples/" + name;
    const Result<Plan> plan = LoadPlan(path);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    EXPECT_FALSE(plan->cells.empty());
  }
}

TEST(ParseExamples, FullHasEveryTargetKindAndSchemeTyped) {
  const std::string path = std::string(BSB_SOURCE_DIR) + "/examples/full.yaml";
  const Result<Matrix> m = LoadMatrixFile(path);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->name, "nightly-arm");
  EXPECT_EQ(m->schemes, KnownSchemes());
  std::set<std::string> kinds;
  for (const Target& t : m->targets) kinds.insert(t.kind);
  EXPECT_EQ(kinds, std::set<std::string>(KnownTargetKinds().begin(), KnownTargetKinds().end()));

  EXPECT_EQ(m->defaults.timeout_ms, 5 * 60 * 1000);  // timeout: 5m
  const SshTarget& pi4 = std::get<SshTarget>(m->FindTarget("pi4")->spec);
  EXPECT_EQ(pi4.host, "192.168.1.20");
  EXPECT_EQ(pi4.port, 22);
  EXPECT_EQ(pi4.host_key, "accept-new");
  EXPECT_EQ(pi4.identity, "~/.ssh/id_ed25519");  // ~/ paths are left for the ssh layer
  EXPECT_EQ(pi4.connect_timeout_ms, 10'000);     // 10s
  EXPECT_EQ(std::get<SshTarget>(m->FindTarget("arm-farm")->spec).pool,
            (std::vector<std::string>{"arm-1", "arm-2", "arm-3"}));
  EXPECT_EQ(m->FindTarget("arm-farm")->concurrency, 3);
  const QemuMcuTarget& m4 = std::get<QemuMcuTarget>(m->FindTarget("m4-emu")->spec);
  EXPECT_EQ(m4.budget.flash_bytes, 2 * 1024 * 1024);  // 2MiB
  EXPECT_EQ(m4.budget.ram_bytes, 640 * 1024);         // 640KiB
  const SerialTarget& nucleo = std::get<SerialTarget>(m->FindTarget("nucleo")->spec);
  EXPECT_EQ(nucleo.budget.ram_bytes, 655360);  // plain bytes
  EXPECT_EQ(nucleo.baud, 115200);
  EXPECT_TRUE(m->FindTarget("nucleo")->IsMicrocontroller());
  EXPECT_FALSE(m->FindTarget("x86")->IsMicrocontroller());

  const Model* cnn = m->FindModel("cnn-small");
  ASSERT_TRUE(cnn && cnn->source);
  EXPECT_EQ(cnn->source->location, (std::filesystem::path(BSB_SOURCE_DIR) / "examples/models/cnn_small.tflite").string());
  EXPECT_EQ(m->FindModel("fc-small")->source->kind, Source::Kind::kZoo);
  EXPECT_EQ(m->FindModel("fc-small")->source->location, "fc-small");
  EXPECT_EQ(m->FindModel("remote-cnn")->source->kind, Source::Kind::kUrl);
  EXPECT_EQ(m->FindModel("seed-ffn")->artifacts.size(), 2u);
  EXPECT_EQ(m->FindModel("seed-ffn")->artifacts.at("int8").sha256.size(), 64u);
  EXPECT_EQ(m->gates.accuracy_drop, 0.02);
  ASSERT_EQ(m->axes.size(), 1u);
  EXPECT_EQ(m->axes[0].values, (std::vector<nlohmann::json>{1, 4}));
}

TEST(Parse, MatrixNameDefaultsToTheFileStem) {
  const Result<Matrix> m = ParseMatrix(std::string(kDatasetsYaml) + kModelsYaml + "targets: [{name: x86, kind: local}]\n",
                                       "dir/nightly.yaml", "/base");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->name, "nightly");
  EXPECT_EQ(m->datasets.at(0).images, std::filesystem::path("/base/i.gz"));
}

TEST(Parse, LocalTargetNeedsOnlyNameAndKind) {
  EXPECT_TRUE(Parse(std::string(kDatasetsYaml) + kModelsYaml + "targets: [{name: x86, kind: local}]\n").ok());
}

TEST(Parse, RequiredFieldsOfEveryKindInOneFile) {
  const auto errors = ErrorsOf(std::string(kDatasetsYaml) + kModelsYaml +
                               "targets:\n"
                               "  - {name: a, kind: qemu-user}\n"
                               "  - {name: b, kind: ssh}\n"
                               "  - {name: c, kind: serial}\n"
                               "  - {name: d, kind: qemu-mcu}\n"
                               "  - {kind: local}\n");
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "m.yaml:8:5: error: target 'a' (kind qemu-user) needs 'arch' (aarch64 or armv7)",
                        "m.yaml:9:5: error: target 'b' (kind ssh) needs exactly one of 'host' (one device) or 'pool' "
                        "(identical devices)",
                        "m.yaml:10:5: error: target 'c' (kind serial) needs 'port' (the serial device, e.g. "
                        "/dev/ttyACM0)",
                        "m.yaml:11:5: error: target 'd' (kind qemu-mcu) needs 'board' (e.g. mps2-an386)",
                        "m.yaml:12:5: error: missing required key 'name' in a target (kind local)",
                    }));
}

TEST(Parse, SshHostAndPoolAreExclusiveAndSafe) {
  const auto errors = ErrorsOf(std::string(kDatasetsYaml) + kModelsYaml +
                               "targets:\n"
                               "  - {name: a, kind: ssh, host: h, pool: [h1]}\n"
                               "  - {name: b, kind: ssh, host: -oProxyCommand=x}\n");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "m.yaml:8:5: error: target 'a' (kind ssh) needs exactly one of 'host' (one device) or 'pool' "
                       "(identical devices)");
  EXPECT_EQ(errors[1], "m.yaml:9:32: error: 'host' in target 'b' (kind ssh) must not be empty, start with '-' or "
                       "contain spaces, got '-oProxyCommand=x'");
}

TEST(Parse, SecretLikeKeysAreRefusedWherever) {
  const auto errors = ErrorsOf(std::string(kDatasetsYaml) +
                               "defaults: {api_token: abc}\n"
                               "models:\n"
                               "  - {name: fc, source: fc.tflite, dataset: digits, secret: s}\n"
                               "schemes: [fp32]\n"
                               "targets:\n"
                               "  - {name: pi, kind: ssh, host: pi, Password: x}\n"
                               "axes: {auth_token: [a]}\n");
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0], "m.yaml:4:12: error: 'api_token' looks like a secret; secrets never live in the matrix file "
                       "(use ssh-agent, an identity file or ~/.ssh/config)");
  EXPECT_NE(errors[1].find("m.yaml:6:52: error: 'secret' looks like a secret"), std::string::npos) << errors[1];
  EXPECT_NE(errors[2].find("m.yaml:9:37: error: 'Password' looks like a secret"), std::string::npos) << errors[2];
  EXPECT_EQ(errors[3], "m.yaml:10:8: error: axis 'auth_token' looks like a secret; secrets never live in the matrix "
                       "file");
}

TEST(Parse, EmptyListsAreErrors) {
  const auto errors = ErrorsOf(std::string(kDatasetsYaml) +
                               "models: []\n"
                               "schemes: []\n"
                               "targets: []\n"
                               "axes: {threads: [], batch: [1]}\n");
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0], "m.yaml:4:9: error: 'models' must list at least one model");
  EXPECT_EQ(errors[1].rfind("m.yaml:5:10: error: 'schemes' must list at least one of fp32", 0), 0u) << errors[1];
  EXPECT_EQ(errors[2], "m.yaml:6:10: error: 'targets' must list at least one target");
  EXPECT_EQ(errors[3], "m.yaml:7:17: error: axis 'threads' has no values; give at least one or remove it");
}

TEST(Parse, AxesNamedLikeSettingsMustHoldValidSettings) {
  const auto errors = ErrorsOf(std::string(kDatasetsYaml) + kModelsYaml +
                               "targets: [{name: x86, kind: local}]\n"
                               "axes: {threads: [1, 0], timeout: [30s, 5 min], model: [a], batch: [1, 1]}\n");
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "m.yaml:8:21: error: 'threads' in axis 'threads' must be an integer from 1 to 1024, got '0'",
                        "m.yaml:8:40: error: bad duration '5 min' for 'timeout' in axis 'timeout'; expected a "
                        "positive whole number with a unit: 500ms, 90s, 5m or 1h",
                        "m.yaml:8:48: error: axis name 'model' is reserved; models, schemes and targets have their "
                        "own lists",
                        "m.yaml:8:71: error: duplicate value '1' in axis 'batch'",
                    }));
}

TEST(Parse, WrongTypesSayWhatWasExpected) {
  const auto errors = ErrorsOf(std::string("version: one\n") +
                               "datasets: {digits: {images: i.gz, labels: l.gz, scale: big}}\n"
                               "models:\n"
                               "  - {name: fc, source: [a], dataset: digits}\n"
                               "schemes: fp32\n"
                               "targets: [{name: x86, kind: local, concurrency: 0}]\n"
                               "gates: {accuracy_drop: 2}\n");
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "m.yaml:1:10: error: unsupported version 'one'; this bsb-matrix reads version 1",
                        "m.yaml:2:56: error: 'scale' in dataset 'digits' must be a number from 1e-12 to 1e+12, got "
                        "'big'",
                        "m.yaml:4:24: error: 'source' in model 'fc' must be a non-empty string, got a list",
                        "m.yaml:5:10: error: 'schemes' must be a list of scheme names, got 'fp32'",
                        "m.yaml:6:49: error: 'concurrency' in target 'x86' (kind local) must be an integer from 1 to "
                        "64, got '0'",
                        "m.yaml:7:24: error: 'accuracy_drop' in gates must be a number from 0 to 1, got '2'",
                    }));
}

TEST(Parse, ModelsNeedASourceOrArtifactsAndADataset) {
  const auto errors = ErrorsOf(std::string(kDatasetsYaml) +
                               "models:\n"
                               "  - {name: fc}\n"
                               "  - {name: bad, artifacts: {int7: a.tflite, int8: {path: a, url: https://x}}, dataset: digits}\n"
                               "  - {name: ftp, source: ftp://x/m.tflite, dataset: digits}\n"
                               "schemes: [fp32]\n"
                               "targets: [{name: x86, kind: local}]\n");
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "m.yaml:5:5: error: model 'fc' needs 'source' (the fp32 model to quantize) or 'artifacts' "
                        "(one prebuilt model per scheme)",
                        "m.yaml:5:5: error: missing required key 'dataset' in model 'fc' (accuracy is measured on it)",
                        "m.yaml:6:29: error: unknown scheme 'int7' in artifacts of model 'bad'; did you mean 'int8'?",
                        "m.yaml:6:51: error: the int8 artifact of model 'bad' needs exactly one of 'path' or 'url'",
                        "m.yaml:7:25: error: the source of model 'ftp' 'ftp://x/m.tflite' uses an unsupported URL "
                        "scheme; expected http:// or https://",
                    }));
}

TEST(Parse, BadNamesAreRefused) {
  const auto errors = ErrorsOf(std::string(kDatasetsYaml) +
                               "models: [{name: \"fc small\", source: a, dataset: digits}]\n"
                               "schemes: [fp32]\n"
                               "targets: [{name: x/86, kind: local}]\n");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "m.yaml:4:17: error: bad model name 'fc small'; names are 1 to 64 letters, digits, '.', '_' "
                       "or '-'");
  EXPECT_EQ(errors[1], "m.yaml:6:18: error: bad target name 'x/86'; names are 1 to 64 letters, digits, '.', '_' "
                       "or '-'");
}

TEST(ParseLimits, EmptyOrNonMappingDocuments) {
  EXPECT_EQ(ErrorsOf(""), (std::vector<std::string>{
                              "m.yaml:1:1: error: the top level of the matrix must be a mapping of keys to values, got "
                              "nothing"}));
  EXPECT_EQ(ErrorsOf("- a\n- b\n"), (std::vector<std::string>{
                                        "m.yaml:1:1: error: the top level of the matrix must be a mapping of keys to "
                                        "values, got a list"}));
}

TEST(ParseLimits, OneDocumentOnly) {
  const auto errors = ErrorsOf(std::string(kDatasetsYaml) + kModelsYaml +
                               "targets: [{name: x86, kind: local}]\n---\nversion: 1\n");
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "m.yaml:8:1: error: a matrix file holds one YAML document; a second one starts here"}));
}

TEST(ParseLimits, NestingIsBoundedBeforeYamlCppRecurses) {
  // yaml-cpp 0.7 recurses once per level (up to its own limit of 2000).
  const std::string deep = "version: 1\nmodels: " + std::string(5000, '[') + std::string(5000, ']') + "\n";
  EXPECT_EQ(ErrorsOf(deep), (std::vector<std::string>{
                                "m.yaml:2:40: error: lists and mappings nest deeper than 32 levels; a matrix file "
                                "needs at most 5"}));
  std::string block = "version: 1\n";
  for (int i = 0; i < 40; ++i) block += std::string(static_cast<std::size_t>(i) * 2, ' ') + "k:\n";
  const auto errors = ErrorsOf(block);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("nest deeper than 32 levels"), std::string::npos) << errors[0];
}

TEST(ParseLimits, AStrayTopLevelCommaIsAnErrorNotAHang) {
  // YAML::LoadAll(",") never returns in yaml-cpp 0.7: the loader must not hand it the text.
  EXPECT_EQ(ErrorsOf(", x\n"), (std::vector<std::string>{
                                   "m.yaml:1:1: error: YAML syntax: unexpected token that starts no node (a stray ',' "
                                   "outside [...] or {...}?)"}));
}

TEST(ParseLimits, OversizedTextIsRefusedUnread) {
  const std::string huge(kMaxMatrixFileBytes + 1, '#');
  EXPECT_EQ(ErrorsOf(huge), (std::vector<std::string>{
                                "m.yaml: error: the file is larger than 4194304 bytes, the limit for matrix files"}));
}

TEST(ParseLimits, SelfReferencingAliasesAreJustWrongTypes) {
  const auto errors = ErrorsOf(std::string(kDatasetsYaml) + "models: &m [*m]\nschemes: [fp32]\n"
                               "targets: [{name: x86, kind: local}]\n");
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "m.yaml:4:9: error: a model must be a mapping of keys to values, got a list"}));
}

}  // namespace
}  // namespace bsb::matrix
