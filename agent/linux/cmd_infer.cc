// bsb-agent infer MODEL.tflite IN.bin OUT.bin [--all-io]
// Runs raw input records through a model: IN.bin holds k records (input 0's bytes, or with
// --all-io every input's bytes concatenated in order), OUT.bin receives k output records
// (output 0, or every output). Prints one JSON line on stderr:
//   {"arena_bytes":N,"head_bytes":H,"tail_bytes":T,"inferences":k,"ops":["CONV_2D",...]}
// Exit codes: 0 ok, 2 bad arguments or input files, 3 model rejected or inference failed.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "agent/linux/commands.h"
#include "agent/runtime/hosted_interpreter.h"
#include "agent/runtime/model.h"

namespace bsb::agent {
namespace {

constexpr int kExitModel = 3;

// File bytes at a 16-byte aligned address (the runtime reads weights in place).
struct AlignedBytes {
  std::vector<uint8_t> storage;
  uint8_t* data = nullptr;
  std::size_t size = 0;
};

bool ReadFile(const char* path, AlignedBytes* out, std::string* error) {
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr) {
    *error = std::string("cannot open ") + path + ": " + std::strerror(errno);
    return false;
  }
  std::vector<uint8_t> bytes;
  uint8_t chunk[65536];
  for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, f)) > 0;) bytes.insert(bytes.end(), chunk, chunk + n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) {
    *error = std::string("cannot read ") + path;
    return false;
  }
  out->storage.assign(bytes.size() + 16, 0);
  const uintptr_t base = reinterpret_cast<uintptr_t>(out->storage.data());
  out->data = out->storage.data() + ((16 - base % 16) % 16);
  out->size = bytes.size();
  if (!bytes.empty()) std::memcpy(out->data, bytes.data(), bytes.size());
  return true;
}

int Usage() {
  std::fprintf(stderr, "usage: bsb-agent infer MODEL.tflite IN.bin OUT.bin [--all-io]\n");
  return kExitUsage;
}

}  // namespace

int InferMain(int argc, char** argv) {
  std::vector<const char*> positional;
  bool all_io = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--all-io") == 0) {
      all_io = true;
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      std::fprintf(stderr, "bsb-agent infer: unknown option '%s'\n", argv[i]);
      return Usage();
    } else {
      positional.push_back(argv[i]);
    }
  }
  if (positional.size() != 3) return Usage();
  const char* model_path = positional[0];
  const char* in_path = positional[1];
  const char* out_path = positional[2];

  AlignedBytes model_bytes, input_bytes;
  std::string io_error;
  if (!ReadFile(model_path, &model_bytes, &io_error) || !ReadFile(in_path, &input_bytes, &io_error)) {
    std::fprintf(stderr, "bsb-agent infer: %s\n", io_error.c_str());
    return kExitUsage;
  }
  rt::ErrorReporter err;
  rt::Model model;
  if (rt::LoadModel(model_bytes.data, model_bytes.size, &model, &err) != rt::Status::kOk) {
    std::fprintf(stderr, "bsb-agent infer: %s: %s\n", model_path, err.message());
    return kExitModel;
  }
  rt::HostedInterpreter hosted;
  if (hosted.Prepare(model, &err) != rt::Status::kOk) {
    std::fprintf(stderr, "bsb-agent infer: %s: %s\n", model_path, err.message());
    return kExitModel;
  }
  rt::Interpreter& interp = hosted.interpreter();
  const int inputs = all_io ? interp.input_count() : (interp.input_count() > 0 ? 1 : 0);
  const int outputs = all_io ? interp.output_count() : (interp.output_count() > 0 ? 1 : 0);
  if (inputs == 0 || outputs == 0) {
    std::fprintf(stderr, "bsb-agent infer: %s: the model has no inputs or no outputs\n", model_path);
    return kExitModel;
  }
  std::size_t in_record = 0, out_record = 0;
  for (int i = 0; i < inputs; ++i) in_record += interp.input(i)->bytes;
  for (int i = 0; i < outputs; ++i) out_record += interp.output(i)->bytes;
  if (in_record == 0 || input_bytes.size == 0 || input_bytes.size % in_record != 0) {
    std::fprintf(stderr, "bsb-agent infer: %s holds %zu bytes, not a positive multiple of the %zu-byte input record%s\n", in_path,
                 input_bytes.size, in_record, all_io ? " (all inputs)" : " (input 0; --all-io for every input)");
    return kExitUsage;
  }
  const std::size_t records = input_bytes.size / in_record;
  std::vector<uint8_t> out_bytes(records * out_record);
  for (std::size_t r = 0; r < records; ++r) {
    const uint8_t* src = input_bytes.data + r * in_record;
    for (int i = 0; i < inputs; ++i) {
      std::memcpy(interp.input(i)->data, src, interp.input(i)->bytes);
      src += interp.input(i)->bytes;
    }
    if (interp.Invoke() != rt::Status::kOk) {
      std::fprintf(stderr, "bsb-agent infer: record %zu: %s\n", r, err.message());
      return kExitModel;
    }
    uint8_t* dst = out_bytes.data() + r * out_record;
    for (int i = 0; i < outputs; ++i) {
      std::memcpy(dst, interp.output(i)->data, interp.output(i)->bytes);
      dst += interp.output(i)->bytes;
    }
  }
  std::FILE* out = std::fopen(out_path, "wb");
  if (out == nullptr || std::fwrite(out_bytes.data(), 1, out_bytes.size(), out) != out_bytes.size() || std::fclose(out) != 0) {
    std::fprintf(stderr, "bsb-agent infer: cannot write %s: %s\n", out_path, std::strerror(errno));
    return kExitUsage;
  }
  std::string ops;
  for (int i = 0; i < interp.node_count(); ++i) {
    ops += (i > 0 ? ",\"" : "\"") + std::string(rt::OpName(interp.node(i).op)) + "\"";
  }
  std::fprintf(stderr, "{\"arena_bytes\":%zu,\"head_bytes\":%zu,\"tail_bytes\":%zu,\"inferences\":%zu,\"ops\":[%s]}\n",
               interp.arena_used_bytes(), interp.head_bytes(), interp.tail_bytes(), records, ops.c_str());
  return 0;
}

}  // namespace bsb::agent
