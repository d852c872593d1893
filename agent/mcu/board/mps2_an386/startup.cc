// Vector table and reset handler for mps2-an386 (Cortex-M4). The reset handler enables the
// FPU, copies .data, zeroes .bss, runs static constructors and calls main.
#include <cstdint>

#include "agent/mcu/board/board.h"

extern "C" {
extern uint32_t __data_load__, __data_start__, __data_end__, __bss_start__, __bss_end__;
extern uint32_t __stack_top__;
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
void ResetHandler();
void DefaultHandler();
void SysTickHandler();
void Uart0RxHandler();
// The pure-virtual slot of an abstract class's vtable; never called in a correct program.
void __cxa_pure_virtual() { DefaultHandler(); }
}

namespace {

volatile uint32_t& Reg(uint32_t address) { return *reinterpret_cast<volatile uint32_t*>(address); }

constexpr uint32_t kCpacr = 0xE000ED88;
constexpr int kExternalIrqs = 32;  // the AN386 uses IRQ 0..31
using Handler = void (*)();

}  // namespace

// Word 0 is the initial stack pointer; then 15 core exceptions and the external interrupts
// (UART0 RX is IRQ 0 on the AN385/AN386). Every unused slot goes to DefaultHandler.
struct VectorTable {
  uint32_t* initial_sp;
  Handler handlers[15 + kExternalIrqs];
};

__attribute__((section(".vectors"), used)) const VectorTable kVectors = {
    &__stack_top__,
    {
        ResetHandler,
        DefaultHandler,  // NMI
        DefaultHandler,  // HardFault
        DefaultHandler,  // MemManage
        DefaultHandler,  // BusFault
        DefaultHandler,  // UsageFault
        nullptr, nullptr, nullptr, nullptr,  // reserved
        DefaultHandler,  // SVCall
        DefaultHandler,  // DebugMonitor
        nullptr,         // reserved
        DefaultHandler,  // PendSV
        SysTickHandler,
        Uart0RxHandler,  // IRQ 0: UART0 RX
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    DefaultHandler,
    }};

extern "C" void DefaultHandler() {
  // A fault or an unexpected interrupt: stop here; the host times out and resets the board.
  for (;;) __asm__ volatile("wfi");
}

extern "C" __attribute__((noreturn)) void ResetHandler() {
  Reg(kCpacr) |= (0xFu << 20);  // CP10 and CP11 full access: the FPU
  __asm__ volatile("dsb\n isb" ::: "memory");
  for (uint32_t *src = &__data_load__, *dst = &__data_start__; dst < &__data_end__;) *dst++ = *src++;
  for (uint32_t* dst = &__bss_start__; dst < &__bss_end__;) *dst++ = 0;
  for (auto* init = __init_array_start; init < __init_array_end; ++init) (*init)();
  FirmwareMain();
}
