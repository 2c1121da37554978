// asmjit reports errors through a handler; the asmjit backends (x86_64,
// arm64) keep the first one and turn it into a compile error afterwards.
#pragma once

#include <asmjit/core.h>

#include <string>

namespace sandbpf {

class AsmjitFirstError final : public asmjit::ErrorHandler {
 public:
  void handleError(asmjit::Error err, const char* message, asmjit::BaseEmitter*) override {
    if (error == asmjit::kErrorOk) {
      error = err;
      text = message;
    }
  }
  asmjit::Error error = asmjit::kErrorOk;
  std::string text;
};

}  // namespace sandbpf
