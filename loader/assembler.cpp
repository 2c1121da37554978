#include "loader/assembler.hpp"
