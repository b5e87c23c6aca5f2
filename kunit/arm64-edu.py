# SPDX-License-Identifier: GPL-2.0
# kunit.py --qemu_config for memscope on arm64: QEMU's virt machine with
# its generic PCIe host and the edu device, so the access and DMA suites
# reach real MMIO and a real DMA engine on a second architecture. virt
# has no RAM below 1 GiB, out of reach of edu's default 28-bit DMA mask:
# edu decodes 32 bits here (the suites state MEMSCOPE_KUNIT_EDU_BITS).
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='arm64',
			   kconfig='''
CONFIG_SERIAL_AMBA_PL011=y
CONFIG_SERIAL_AMBA_PL011_CONSOLE=y
CONFIG_PCI=y
CONFIG_PCI_HOST_GENERIC=y
CONFIG_DMA_API_DEBUG=y''',
			   qemu_arch='aarch64',
			   kernel_path='arch/arm64/boot/Image.gz',
			   kernel_command_line='console=ttyAMA0',
			   extra_qemu_params=['-machine', 'virt', '-cpu', 'max,pauth-impdef=on',
					      '-device', 'edu,dma_mask=0xffffffff'])
