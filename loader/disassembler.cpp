#include "loader/disassembler.hpp"
