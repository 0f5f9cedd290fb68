// Loaded on demand by the chart component: ECharts is the largest dependency of the console, so
// it is imported modularly (only bar and pie with the parts they use, canvas renderer) and never
// lands in the initial bundle.
import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { init };
