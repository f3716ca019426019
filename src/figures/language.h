// The language of the lab's texts and of a figure's words (its own header: ui/text.h includes it without the rest of
// figures/figure.h).
#pragma once

namespace vc {

enum class Language { En, Ko };

}  // namespace vc
