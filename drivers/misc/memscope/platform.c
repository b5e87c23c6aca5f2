// SPDX-License-Identifier: GPL-2.0
/*
 * memscope's platform driver, with no ID table either: a platform device
 * is bound through its driver_override, and its memory resources become
 * `bar` regions, checked as a `map` window would be.
 */
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/mod_devicetable.h>
#include <linux/platform_device.h>
#include <linux/pm_runtime.h>

#include "memscope.h"

/* Memory resource @n of a platform device: checked like a `map` window. */
static void memscope_platform_resource_add(struct memscope_device *md,
					   struct platform_device *pdev,
					   unsigned int n, struct resource *res)
{
	const char *why;
	void __iomem *iomem;
	int err = -EPERM;

	why = memscope_phys_refusal(res->start, resource_size(res));
	if (!why && resource_size(res) > memscope_max_window()) {
		why = "larger than max_window; map the part you need";
		err = -E2BIG;
	} else if (!why) {
		iomem = devm_platform_get_and_ioremap_resource(pdev, n, NULL);
		if (!IS_ERR(iomem)) {
			memscope_bar_add(md, n, iomem, res);
			return;
		}
		why = "cannot be requested or mapped";
		err = PTR_ERR(iomem);
	}
	memscope_device_skip(md, "resource", n, why, err);
}

static int memscope_platform_probe(struct platform_device *pdev)
{
	struct memscope_device *md;
	unsigned int i, n = 0;

	md = memscope_device_add(&pdev->dev);
	if (IS_ERR(md))
		return PTR_ERR(md);
	platform_set_drvdata(pdev, md);
	/* Powered for as long as it is bound, as the PCI core does. */
	pm_runtime_get_sync(&pdev->dev);

	for (i = 0; i < pdev->num_resources; i++) {
		if (resource_type(&pdev->resource[i]) != IORESOURCE_MEM)
			continue;
		memscope_platform_resource_add(md, pdev, n++,
					       &pdev->resource[i]);
	}
	memscope_device_publish(md);
	return 0;
}

static void memscope_platform_remove(struct platform_device *pdev)
{
	memscope_device_remove(platform_get_drvdata(pdev));
	pm_runtime_put(&pdev->dev);
}

/*
 * Empty, not absent: without an ID table platform_match() would fall back
 * to matching a device that happens to be called "memscope".
 */
static const struct platform_device_id memscope_platform_ids[] = {
	{ }
};

struct platform_driver memscope_platform_driver = {
	.driver.name = "memscope",
	.id_table = memscope_platform_ids,
	.probe = memscope_platform_probe,
	.remove = memscope_platform_remove,
};
