import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Min } from 'class-validator';

export class MarkReadDto {
  @ApiProperty({ description: 'The highest seq the reader has seen; clamped to the newest message' })
  @IsInt()
  @Min(0)
  seq: number;
}
