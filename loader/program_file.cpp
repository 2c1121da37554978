#include "loader/program_file.hpp"
