#include "ui/text.h"

#include "figures/words.h"

namespace vc {

namespace {

// Rows with printf placeholders keep the same placeholders, in the same order, in both languages.
constexpr TextRow<TextId> kRows[] = {
    {TextId::AppTitle, "ViT vs CNN Lab", "ViT vs CNN 실험실"},
    {TextId::MenuLanguage, "Language", "언어"},
    {TextId::MenuHelp, "Help", "도움말"},
    {TextId::HelpShortcuts, "Keyboard shortcuts", "단축키"},
    {TextId::ShortcutTabs, "1-%d: switch view", "1-%d: 화면 전환"},
    {TextId::ShortcutArrows, "Arrow keys: shift the input by one pixel", "방향키: 입력을 한 픽셀 이동"},
    {TextId::ShortcutReset, "R: reset to the last gallery image", "R: 마지막 갤러리 이미지로 되돌리기"},
    {TextId::ShortcutClear, "C: clear the input", "C: 입력 지우기"},
    {TextId::ShortcutsInactiveInText, "(shortcuts are off while a text field is active)",
     "(텍스트 입력 중에는 단축키가 동작하지 않습니다)"},
    {TextId::Dismiss, "Dismiss", "닫기"},
    {TextId::WhatToNotice, "What to notice:", "살펴볼 점:"},
    {TextId::InputLoaded, "Loaded %s (%d x %d, resized to 28 x 28)", "%s 불러옴 (%d x %d, 28 x 28로 축소)"},
    {TextId::InputLoadFailed, "Could not open %s: %s", "%s 파일을 열 수 없습니다: %s"},
    {TextId::GalleryLoading, "Loading the test images...", "테스트 이미지를 불러오는 중..."},
    {TextId::ModelLoading, "%s: loading...", "%s: 불러오는 중..."},
    {TextId::CheckpointOpened, "Opened %s: a %s checkpoint, now one of the %s choices in every view",
     "%s 열림: %s 체크포인트, 이제 모든 보기에서 %s 선택지로 쓸 수 있습니다"},
    {TextId::CheckpointOpenFailed, "Could not open the checkpoint %s", "체크포인트를 열 수 없습니다: %s"},
    {TextId::ExportPng, "PNG", "PNG"},
    {TextId::ExportPngHelp,
     "Save this figure as a slide image (PNG, 1600 px wide, with its title, axes and colour bar), the picture "
     "vitcnn figures draws of the same result.",
     "이 그림을 슬라이드용 이미지로 저장합니다 (PNG, 폭 1600 픽셀, 제목·축·색 막대 포함). vitcnn figures가 같은 결과로 "
     "그리는 그림과 같습니다."},
    {TextId::ExportCsv, "CSV", "CSV"},
    {TextId::ExportCsvHelp, "Save the numbers behind this figure as a CSV table.",
     "이 그림의 숫자들을 CSV 표로 저장합니다."},
    {TextId::ExportTableCsvHelp, "Save this table as a CSV file (for a spreadsheet).",
     "이 표를 CSV 파일로 저장합니다 (스프레드시트용)."},
    {TextId::ExportMarkdown, "Markdown", "Markdown"},
    {TextId::ExportMarkdownHelp, "Save this table as a Markdown table (for slides and notes).",
     "이 표를 Markdown 표로 저장합니다 (슬라이드와 노트용)."},
    {TextId::Saved, "Saved %s.", "%s 파일을 저장했습니다."},
    {TextId::SaveFailed, "Could not save %s: %s", "%s 파일을 저장하지 못했습니다: %s"},
};
constexpr auto kTexts = text_table(kRows);

}  // namespace

void text_rows_must_follow_the_enum() {}

const char* tr(Language lang, TextId id) { return text_of(kTexts, lang, static_cast<size_t>(id)); }

std::span<const TextPair> common_texts() { return kTexts; }

const char* class_name(Language lang, int label) { return class_words(label, lang); }

const char* language_code(Language lang) { return lang == Language::Ko ? "ko" : "en"; }
const char* language_name(Language lang) { return lang == Language::Ko ? "한국어" : "English"; }

}  // namespace vc
