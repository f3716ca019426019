// Our Dear ImGui configuration for the 1.80 sources of npm @zhobo63/imgui-ts (replaces the fork's imconfig.h).
// The fork's header turns on USE_EXTERNAL_FONT (glyphs filled from JavaScript); we want stock font rendering
// through stb_truetype instead, and keep only what the fork's imgui.h needs to compile.
#pragma once

// The fork's ImDrawList API is written for 32-bit indices.
#define ImDrawIdx unsigned int
// imgui.h names these fork types in declarations only.
struct ImMat2;
struct ImTransform;

// Stock TTF rasterizer and the compressed built-in font decoder.
#define IMGUI_ENABLE_STB_TRUETYPE
#define ENABLE_STB_DECOMPRESS
// The lab builds without the old pre-1.80 names, so it also compiles against upstream releases.
#define IMGUI_DISABLE_OBSOLETE_FUNCTIONS
