// placeholder, being written
#include "vm/interpreter.hpp"
