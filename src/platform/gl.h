// OpenGL declarations for the platform layer: WebGL2 (GLES 3.0) on the web, OpenGL 3.3 core natively.
// Natively the core-profile prototypes (glcorearb.h) link straight against glvnd's libGL: no loader needed.
#pragma once
#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#define VC_GLSL_VERSION "#version 300 es\nprecision mediump float;\n"
#else
#define GL_GLEXT_PROTOTYPES 1
#include <GL/glcorearb.h>
#define VC_GLSL_VERSION "#version 330 core\n"
#endif
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
