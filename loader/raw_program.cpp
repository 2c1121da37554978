#include "loader/raw_program.hpp"
