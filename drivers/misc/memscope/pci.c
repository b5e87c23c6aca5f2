// SPDX-License-Identifier: GPL-2.0
/*
 * memscope's PCI driver, with no ID table: a device is handed to it on
 * purpose, never matched by accident:
 *
 *   echo memscope > /sys/bus/pci/devices/0000:00:03.0/driver_override
 *   echo 0000:00:03.0 > /sys/bus/pci/drivers_probe
 *
 * Probe enables the device and maps its BARs as `bar` regions. Built
 * only with CONFIG_PCI.
 */
#include <linux/pci.h>

#include "memscope.h"

static int memscope_pci_probe(struct pci_dev *pdev,
			      const struct pci_device_id *id)
{
	struct memscope_device *md;
	void __iomem *iomem;
	unsigned int bar;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return dev_err_probe(&pdev->dev, ret, "cannot enable device\n");
	/*
	 * memscope services no interrupts: a level interrupt the user makes
	 * the device raise must not stay asserted with nobody to ack it.
	 * Bus mastering stays off until the first DMA buffer.
	 */
	pci_intx(pdev, 0);
	pci_clear_master(pdev);
	md = memscope_device_add(&pdev->dev);
	if (IS_ERR(md))
		return PTR_ERR(md);
	pci_set_drvdata(pdev, md);

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (!pci_resource_len(pdev, bar))
			continue;
		/* A multi-GiB BAR is not ioremapped whole: map a part of it. */
		if (pci_resource_len(pdev, bar) > memscope_max_window()) {
			memscope_device_skip(md, "BAR", bar,
					     "larger than max_window; map the part you need",
					     -E2BIG);
			continue;
		}
		iomem = pcim_iomap_region(pdev, bar, "memscope");
		if (IS_ERR(iomem)) {
			memscope_device_skip(md, "BAR", bar, "cannot be requested or mapped",
					     PTR_ERR(iomem));
			continue;
		}
		memscope_bar_add(md, bar, iomem, &pdev->resource[bar]);
	}
	memscope_device_publish(md);
	return 0;
}

static void memscope_pci_remove(struct pci_dev *pdev)
{
	struct memscope_device *md = pci_get_drvdata(pdev);

	memscope_device_remove(md);
}

/* No ID table: memscope binds only through driver_override. */
struct pci_driver memscope_pci_driver = {
	.name = "memscope",
	.probe = memscope_pci_probe,
	.remove = memscope_pci_remove,
};
