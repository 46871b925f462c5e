// Semantic checks of a parsed scenario: references, AWS addressing rules, uniqueness.
#pragma once
#include "model/scenario.h"
#include "util/diag.h"

namespace vpcemu {

// Appends every problem found; never stops at the first.
void validate(const Scenario& sc, Diagnostics& diags);

}  // namespace vpcemu
