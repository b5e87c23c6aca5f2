# SPDX-License-Identifier: GPL-2.0
# kunit.py --qemu_config for memscope: x86_64 with PCI and QEMU's edu
# device, so the access and DMA suites reach real MMIO and a real DMA
# engine. edu masks DMA addresses to 28 bits; the suites allocate from
# ZONE_DMA or state a 28-bit mask.
# acpi=noirq: enabling edu (pci_enable_device(), and every bind) evaluated
# the PCI root's _PRT through ACPICA for about 4 s under KASAN and TCG;
# the cases use no interrupt.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='x86_64',
			   kconfig='''
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_PCI=y
CONFIG_ZONE_DMA=y
CONFIG_DMA_API_DEBUG=y''',
			   qemu_arch='x86_64',
			   kernel_path='arch/x86/boot/bzImage',
			   kernel_command_line='console=ttyS0 acpi=noirq',
			   extra_qemu_params=['-bios', 'qboot.rom',
					      '-device', 'edu'])
