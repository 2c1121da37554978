/* Windows programs write "\n" as "\r\n" on standard streams, which start in
   text mode; sandbpf's output (verdicts, r0, conformance counts, plugin
   replies) must be the same bytes on every OS, so every program of a
   Windows build links this object (CMakeLists.txt) and switches its
   standard streams to binary before main() runs. */
#include <fcntl.h>
#include <io.h>
#include <stdio.h>

__attribute__((constructor)) static void sandbpf_binary_stdio(void) {
  _setmode(_fileno(stdin), _O_BINARY);
  _setmode(_fileno(stdout), _O_BINARY);
  _setmode(_fileno(stderr), _O_BINARY);
}
