FROM node:24-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY apps/desktop/package.json apps/desktop/
COPY packages/db/package.json packages/db/
COPY packages/shared/package.json packages/shared/
RUN npm ci --omit=dev --workspace @teekrr/api --include-workspace-root=false
COPY apps/api apps/api
COPY packages packages
ENV NODE_ENV=production
CMD ["node", "apps/api/src/main.ts"]
