# Builds the api, the projector and the CLI into one image; the compose file picks the entry point.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The api serves the public contract from the repo's copy.
COPY --from=build /app/contract ./contract
COPY package.json ./
USER node
EXPOSE 4000
CMD ["node", "dist/apps/api/src/main.js"]
