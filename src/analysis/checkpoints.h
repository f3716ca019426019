// The shipped checkpoints' names: "<family>_p<NNN>", NNN = % of the training set the model was trained on (the
// data-scale series). The lab's model store (ui/model_store.h), `vitcnn compare` and `vitcnn figures` name them alike.
#pragma once
#include <string>

namespace vc {

inline constexpr const char* kFamilies[] = {"vit", "cnn", "hybrid", "rvit"};
inline constexpr const char* kDataScales[] = {"p001", "p003", "p010", "p030", "p100"};
inline constexpr int kFamilyCount = 4;
inline constexpr int kVitFamily = 0, kCnnFamily = 1, kRvitFamily = 3;
inline constexpr int kDataScaleCount = 5;
inline constexpr int kDefaultScale = 4;  // p100

// "vit_p100" for family 0, scale 4.
std::string checkpoint_name(int family, int scale);
// Index of a family ("cnn") in kFamilies, of a data scale ("p010") in kDataScales; -1 for another name.
int family_index(const std::string& name);
int data_scale_index(const std::string& name);
// The percentage of the training set a data scale stands for (1, 3, 10, 30, 100).
int data_scale_percent(int scale);

}  // namespace vc
