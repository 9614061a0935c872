// The live cockpit's web front end (web/): built into web/dist, which `dacu serve` hands out at `/`
// (src/api/web-assets.ts). `npx vite` serves it on :5173 with /api forwarded to a local `dacu serve`.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('./web/', import.meta.url));

export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./web/dist/', import.meta.url)),
    emptyOutDir: true,
    // ECharts is imported piecemeal (web/src/charts/echarts.ts) and, with React, kept in chunks of
    // its own: they change far less often than the cockpit, so browsers keep them cached.
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/ },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: { '/api': { target: process.env.DACU_API ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
});
