// The greedy planner on hand-computed cases (docs/tflite-reference.md §4). Sizes are given
// already 16-aligned, as the interpreter passes them.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "agent/runtime/memory_planner.h"

namespace bsb::rt {
namespace {

size_t Plan(std::vector<PlannedBuffer>& buffers) {
  std::vector<int32_t> scratch(GreedyPlannerScratchBytes(static_cast<int>(buffers.size())) / sizeof(int32_t) + 1);
  return PlanGreedy(buffers.data(), static_cast<int>(buffers.size()), scratch.data());
}

TEST(RuntimePlannerTest, ChainReusesMemoryOfDeadBuffers) {
  // a: 112 B live in scopes 0-1, b: 208 B in 1-2, c: 64 B in 2-3.
  std::vector<PlannedBuffer> b = {{112, 0, 1}, {208, 1, 2}, {64, 2, 3}};
  // Largest first: b at 0. a overlaps b (scope 1) → after b at 208. c overlaps b only → the
  // gap below b is 0 bytes, so c also goes to 208, where a has died.
  EXPECT_EQ(Plan(b), 320u);
  EXPECT_EQ(b[1].offset_bytes, 0u);
  EXPECT_EQ(b[0].offset_bytes, 208u);
  EXPECT_EQ(b[2].offset_bytes, 208u);
}

TEST(RuntimePlannerTest, EqualSizesPlaceTheLaterAddedBufferFirst) {
  std::vector<PlannedBuffer> b = {{64, 0, 1}, {64, 0, 1}};
  EXPECT_EQ(Plan(b), 128u);
  EXPECT_EQ(b[1].offset_bytes, 0u);
  EXPECT_EQ(b[0].offset_bytes, 64u);
}

TEST(RuntimePlannerTest, SmallBufferFillsAGapBetweenLiveOnes) {
  // x [0,3] 32 B and y [0,3] 32 B are placed first (largest); z [2,2] 16 B must not collide.
  // w [0,0] 48 B is largest: offset 0. x overlaps w → 48; y overlaps w,x → 80. z overlaps x,y
  // only (w ends at scope 0) → the 48-byte hole at 0 below x fits it.
  std::vector<PlannedBuffer> b = {{48, 0, 0}, {32, 0, 3}, {32, 0, 3}, {16, 2, 2}};
  EXPECT_EQ(Plan(b), 112u);
  EXPECT_EQ(b[0].offset_bytes, 0u);
  EXPECT_EQ(b[2].offset_bytes, 48u);  // later-added of the equal pair first
  EXPECT_EQ(b[1].offset_bytes, 80u);
  EXPECT_EQ(b[3].offset_bytes, 0u);
}

TEST(RuntimePlannerTest, DisjointLifetimesShareOffsetZero) {
  std::vector<PlannedBuffer> b = {{64, 0, 0}, {128, 1, 1}, {32, 2, 2}};
  EXPECT_EQ(Plan(b), 128u);
  for (const auto& x : b) EXPECT_EQ(x.offset_bytes, 0u);
}

TEST(RuntimePlannerTest, EmptyPlanIsZero) {
  std::vector<PlannedBuffer> b;
  EXPECT_EQ(Plan(b), 0u);
}

}  // namespace
}  // namespace bsb::rt
