// mps2-an386 under QEMU: CMSDK APB UART0 at 0x40004000 (RX interrupt = IRQ 0), SysTick on the
// 25 MHz system clock, 4 MiB code RAM at 0x0 and 4 MiB data RAM at 0x20000000.
#include "agent/mcu/board/board.h"

namespace bsb::board {
namespace {

volatile uint32_t& Reg(uint32_t address) { return *reinterpret_cast<volatile uint32_t*>(address); }

constexpr uint32_t kSysClockHz = 25'000'000;

// CMSDK APB UART registers.
constexpr uint32_t kUart0 = 0x40004000;
constexpr uint32_t kUartData = kUart0 + 0x00;
constexpr uint32_t kUartState = kUart0 + 0x04;  // bit 0 TX full, bit 1 RX full
constexpr uint32_t kUartCtrl = kUart0 + 0x08;   // bit 0 TX en, 1 RX en, 3 RX irq en
constexpr uint32_t kUartIntStatus = kUart0 + 0x0C;  // write 1 to clear
constexpr uint32_t kUartBaudDiv = kUart0 + 0x10;
constexpr uint32_t kStateTxFull = 1u << 0;
constexpr uint32_t kStateRxFull = 1u << 1;
constexpr uint32_t kIntRx = 1u << 1;

// Core peripherals.
constexpr uint32_t kSysTickCtrl = 0xE000E010;
constexpr uint32_t kSysTickLoad = 0xE000E014;
constexpr uint32_t kSysTickVal = 0xE000E018;
constexpr uint32_t kNvicIser0 = 0xE000E100;
constexpr uint32_t kAircr = 0xE000ED0C;
constexpr uint32_t kIcsr = 0xE000ED04;
constexpr uint32_t kIcsrSysTickPending = 1u << 26;
constexpr uint32_t kUart0RxIrq = 0;

// One SysTick period is one millisecond: 25 000 ticks.
constexpr uint32_t kTicksPerMs = kSysClockHz / 1000;

// Receive ring: the ISR writes `head`, the main loop reads `tail`; a power of two so the
// indices wrap by masking. 4 KiB holds four full frames while the firmware runs a model.
constexpr uint32_t kRingBytes = 4096;
uint8_t ring[kRingBytes];
volatile uint32_t ring_head = 0;
volatile uint32_t ring_tail = 0;
volatile uint32_t overruns = 0;
volatile uint32_t millis = 0;

const Facts kFacts = {"mps2-an386", "cortex-m4", kSysClockHz, 4u << 20, 4u << 20};

}  // namespace

}  // namespace bsb::board

// AlignToTick's spin: one 2-byte branch to itself, then a return. Because the loop is a single
// instruction, the tick interrupt always lands on it at the same instruction distance from the
// tick, whatever the phase the spin started at; the handler then steps the stacked PC past it.
extern "C" void bsb_tick_spin();
__asm__(R"(
  .syntax unified
  .thumb
  .section .text.bsb_tick_spin,"ax",%progbits
  .global bsb_tick_spin
  .type bsb_tick_spin, %function
  .thumb_func
bsb_tick_spin:
  b.n bsb_tick_spin
  bx lr
  .size bsb_tick_spin, . - bsb_tick_spin
  .text
)");

// `frame` is the exception frame the core stacked: r0-r3, r12, lr, pc, xpsr (an FPU extension,
// when stacked, follows xpsr).
extern "C" void SysTickService(uint32_t* frame) {
  bsb::board::millis = bsb::board::millis + 1;
  constexpr int kStackedPc = 6;
  const uint32_t spin = reinterpret_cast<uint32_t>(&bsb_tick_spin) & ~1u;
  if (frame[kStackedPc] == spin) frame[kStackedPc] = spin + 2;  // return to the `bx lr`
}

// Hands SysTickService the active stack pointer (MSP or PSP, per EXC_RETURN bit 2).
extern "C" __attribute__((naked)) void SysTickHandler() {
  __asm__ volatile(
      "tst lr, #4\n"
      "ite eq\n"
      "mrseq r0, msp\n"
      "mrsne r0, psp\n"
      "b SysTickService\n");
}

extern "C" void Uart0RxHandler() {
  using namespace bsb::board;
  // Clear first, then drain: a byte landing after the last read raises the (level) interrupt
  // again. Clearing after the drain could swallow that byte's interrupt and stall the line,
  // since QEMU holds further input until the data register is read.
  Reg(kUartIntStatus) = kIntRx;
  while (Reg(kUartState) & kStateRxFull) {
    const uint8_t byte = static_cast<uint8_t>(Reg(kUartData));
    const uint32_t head = ring_head;
    if (head - ring_tail == kRingBytes) {
      overruns = overruns + 1;
      continue;
    }
    ring[head % kRingBytes] = byte;
    ring_head = head + 1;
  }
}

namespace bsb::board {

const Facts& GetFacts() { return kFacts; }

void Init() {
  Reg(kUartBaudDiv) = kSysClockHz / 115200;  // QEMU ignores the rate; real CMSDK UARTs need it
  Reg(kUartCtrl) = (1u << 0) | (1u << 1) | (1u << 3);
  Reg(kNvicIser0) = 1u << kUart0RxIrq;
  Reg(kSysTickLoad) = kTicksPerMs - 1;
  Reg(kSysTickVal) = 0;
  Reg(kSysTickCtrl) = (1u << 2) | (1u << 1) | (1u << 0);  // core clock, interrupt, enable
  __asm__ volatile("cpsie i" ::: "memory");
}

void UartWrite(const uint8_t* data, size_t size_bytes) {
  for (size_t i = 0; i < size_bytes; ++i) {
    while (Reg(kUartState) & kStateTxFull) {
    }
    Reg(kUartData) = data[i];
  }
}

size_t UartRead(uint8_t* out, size_t capacity) {
  size_t n = 0;
  uint32_t tail = ring_tail;
  const uint32_t head = ring_head;
  while (tail != head && n < capacity) out[n++] = ring[tail++ % kRingBytes];
  ring_tail = tail;
  return n;
}

uint32_t UartOverruns() { return overruns; }

void SleepUntilInterrupt() {
  // Masked check-then-sleep: WFI still wakes on a pending interrupt with PRIMASK set.
  __asm__ volatile("cpsid i" ::: "memory");
  if (ring_head == ring_tail) __asm__ volatile("wfi" ::: "memory");
  __asm__ volatile("cpsie i" ::: "memory");
}

uint64_t Ticks() {
  for (;;) {
    uint32_t ms = millis;
    const uint32_t down = Reg(kSysTickVal);
    const bool wrapped_unserviced = (Reg(kIcsr) & kIcsrSysTickPending) != 0;
    if (ms != millis) continue;  // the interrupt ran in between: read again
    // The counter wrapped but its interrupt is not taken yet: a reload-sized VAL belongs to
    // the next millisecond.
    if (wrapped_unserviced && down > kTicksPerMs / 2) ++ms;
    return static_cast<uint64_t>(ms) * kTicksPerMs + (kTicksPerMs - 1 - down);
  }
}

uint32_t Millis() { return millis; }

void AlignToTick() { bsb_tick_spin(); }

void Reset() {
  Reg(kAircr) = (0x5FAu << 16) | (1u << 2);  // VECTKEY | SYSRESETREQ
  for (;;) {
  }
}

}  // namespace bsb::board
