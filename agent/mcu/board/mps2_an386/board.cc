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
constexpr uint32_t kIcsrSysTickClear = 1u << 25;
constexpr uint32_t kSysTickMaxReload = 0xFFFFFF;  // the counter is 24 bits wide
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
// SysTick wraps since it was last started, counted by its interrupt. Outside a timed region the
// counter wraps every millisecond and Millis() = millis_base + periods; inside one (StartTimer
// .. StopTimer) it runs with the full 24-bit reload and `periods` counts those wraps.
volatile uint32_t periods = 0;
uint32_t millis_base = 0;
uint32_t reload = kTicksPerMs - 1;
bool timing = false;

const Facts kFacts = {"mps2-an386", "cortex-m4", kSysClockHz, 4u << 20, 4u << 20};

}  // namespace

}  // namespace bsb::board

extern "C" void SysTickHandler() { bsb::board::periods = bsb::board::periods + 1; }

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

// (Re)starts SysTick from zero with `new_reload`; interrupts masked by the caller. Stopping it
// first and clearing a pending wrap keeps a wrap of the old configuration out of the new count;
// writing VAL restarts the count at the moment of the enabling write, so the counter's phase
// is fixed relative to the instructions that follow (under QEMU's -icount, exactly).
void RestartSysTick(uint32_t new_reload) {
  Reg(kSysTickCtrl) = 0;
  Reg(kIcsr) = kIcsrSysTickClear;
  reload = new_reload;
  periods = 0;
  Reg(kSysTickLoad) = new_reload;
  Reg(kSysTickVal) = 0;
  Reg(kSysTickCtrl) = (1u << 2) | (1u << 1) | (1u << 0);  // core clock, interrupt, enable
}

void Init() {
  Reg(kUartBaudDiv) = kSysClockHz / 115200;  // QEMU ignores the rate; real CMSDK UARTs need it
  Reg(kUartCtrl) = (1u << 0) | (1u << 1) | (1u << 3);
  Reg(kNvicIser0) = 1u << kUart0RxIrq;
  RestartSysTick(kTicksPerMs - 1);
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

void StartTimer() {
  __asm__ volatile("cpsid i" ::: "memory");
  millis_base += periods;  // the milliseconds so far; the timed region itself is not counted
  timing = true;
  RestartSysTick(kSysTickMaxReload);
  // A cleared counter reads 0 until it loads the reload value one tick later; 0 would read as
  // "a whole period elapsed". Wait for the load (at most one tick, the same every time).
  while (Reg(kSysTickVal) == 0) {
  }
  __asm__ volatile("cpsie i" ::: "memory");
}

uint64_t Ticks() {
  for (;;) {
    uint32_t wraps = periods;
    const uint32_t down = Reg(kSysTickVal);
    const bool wrapped_unserviced = (Reg(kIcsr) & kIcsrSysTickPending) != 0;
    if (wraps != periods) continue;  // the interrupt ran in between: read again
    // The counter wrapped but its interrupt is not taken yet: a reload-sized VAL belongs to
    // the next period.
    if (wrapped_unserviced && down > reload / 2) ++wraps;
    return static_cast<uint64_t>(wraps) * (reload + 1) + (reload - down);
  }
}

void StopTimer() {
  __asm__ volatile("cpsid i" ::: "memory");
  timing = false;
  RestartSysTick(kTicksPerMs - 1);
  __asm__ volatile("cpsie i" ::: "memory");
}

uint32_t Millis() { return timing ? millis_base : millis_base + periods; }

void Reset() {
  Reg(kAircr) = (0x5FAu << 16) | (1u << 2);  // VECTKEY | SYSRESETREQ
  for (;;) {
  }
}

}  // namespace bsb::board
